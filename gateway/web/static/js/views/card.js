// The frame every home-screen section shares: a titled card, and the notices a section
// shows instead of its content when its data could not be had.
import { h } from "../dom.js";
import { describe, errorsAt, isBackendProblem } from "../errors.js";
import { t } from "../i18n.js";

/** A <section> labelled by its heading, so landmarks list it by name. */
export function card({ id, title, wide = false, full = false }, ...children) {
  const headingId = `${id}-title`;
  const cls = ["card", wide && "card--wide", full && "card--full"].filter(Boolean).join(" ");
  return h("section", { class: cls, id, "aria-labelledby": headingId }, h("h2", { id: headingId }, title), ...children);
}

/**
 * A section whose data is still on its way (a deferred part): its heading, and grey
 * lines where the content will be. Announced as busy; replaced whole when the part comes.
 */
export function skeleton({ id, title, wide = false }, lines = 3) {
  const section = card({ id, title, wide }, h("p", { class: "visually-hidden" }, t("loading")), ...Array.from({ length: lines }, () => h("div", { class: "skeleton", "aria-hidden": "true" })));
  section.setAttribute("aria-busy", "true");
  section.dataset.skeleton = "";
  return section;
}

export function notice(text, kind = "") {
  return h("p", { class: `notice ${kind}`.trim(), "data-notice": "" }, text);
}

/**
 * Why a section's data is missing, if it is: a backend outage gets the section's own
 * sentence ("Предложения партнёров временно недоступны"); anything else the error's.
 * Null when the section's data came.
 */
export function problemAt(result, path, unavailableKey) {
  const errors = errorsAt(result?.errors, path);
  if (errors.length === 0) return null;
  return isBackendProblem(errors[0]) ? t(unavailableKey) : describe(errors[0]);
}
