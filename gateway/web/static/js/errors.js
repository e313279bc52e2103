// Turning the gateway's errors into sentences. Clients branch on `extensions.code`, never
// on the message (which is English and for developers).
import { wait } from "./format.js";
import { t } from "./i18n.js";

const BACKEND_CODES = new Set(["BACKEND_UNAVAILABLE", "BACKEND_TIMEOUT", "BACKEND_ERROR"]);

export function isBackendProblem(error) {
  return BACKEND_CODES.has(error?.extensions?.code);
}

/** Errors whose path is `prefix` or lies under it: ["subscriber", "offers"]. */
export function errorsAt(errors, prefix) {
  return (errors || []).filter(
    (e) => Array.isArray(e.path) && prefix.every((part, i) => e.path[i] === part),
  );
}

/** A backend's name for people; a backend the page has no name for is never shown raw. */
function systemName(backend) {
  const key = `backend.${backend}`;
  const name = t(key);
  return name === key ? t("backend.other") : name;
}

/** One sentence for one GraphQL error (or TransportError). */
export function describe(error) {
  const ext = error?.extensions || {};
  const code = ext.code || error?.code;
  switch (code) {
    case "INVALID_CODE":
      return t("err.INVALID_CODE", { tries: ext.triesLeft ?? "?" });
    case "RATE_LIMITED":
      return t("err.RATE_LIMITED", { wait: wait(ext.retryAfter ?? 60) });
    case "BACKEND_UNAVAILABLE":
    case "BACKEND_TIMEOUT":
    case "BACKEND_ERROR":
      return t("err.BACKEND", { system: systemName(ext.backend) });
    case "GRAPHQL_VALIDATION_FAILED":
      return t("err.NOT_AVAILABLE");
    case "NETWORK_ERROR":
    case "HTTP_ERROR":
      return t("err.NETWORK");
    case undefined:
    case null:
      return t("err.UNKNOWN");
    default: {
      const text = t(`err.${code}`);
      if (text !== `err.${code}`) return text;
      // A code the page does not know: say something true, and give support the id.
      return ext.requestId ? t("err.WITH_ID", { id: ext.requestId }) : t("err.UNKNOWN");
    }
  }
}
