// Talking to /graphql the way Apollo Client's batch and persisted-query links do:
// every screen is one POST of a JSON array of operations, and each operation is sent
// by the SHA-256 of its text first; only the ones the server does not know yet
// (PERSISTED_QUERY_NOT_FOUND) are sent again with their text. An operation with
// `@defer` goes on its own instead (`inParts`): a batch is always answered whole.

import { ACCEPT_PARTS, isMultipart, merged, partsOf } from "./parts.js";

export const NOT_FOUND = "PERSISTED_QUERY_NOT_FOUND";

/** A request that got no GraphQL answer at all: network down, 413, 415, a proxy's 502. */
export class TransportError extends Error {
  constructor(message, { status = 0, code = "NETWORK_ERROR" } = {}) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

const hashes = new Map();

// The page names itself as Apollo Client does, so `telecom-gateway usage Type.field`
// can tell its use of a field from the mobile app's (README: "Changing the schema").
const CLIENT = { "apollographql-client-name": "web", "apollographql-client-version": "1" };

/**
 * The hex SHA-256 of a query, remembered per text. crypto.subtle exists only in secure
 * contexts (https, localhost): elsewhere there is no hash and the text is always sent.
 */
async function sha256(text) {
  if (!globalThis.crypto?.subtle) return null;
  if (!hashes.has(text)) {
    const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
    hashes.set(text, [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join(""));
  }
  return hashes.get(text);
}

export function codesOf(result) {
  return (result?.errors || []).map((e) => e.extensions?.code).filter(Boolean);
}

export function hasCode(result, code) {
  return codesOf(result).includes(code);
}

export class GraphQLClient {
  /**
   * @param {{endpoint?: string, token?: () => string | null}} options
   *   `token` is read at each request, so a refreshed token is used at once.
   */
  constructor({ endpoint = "/graphql", token = () => null } = {}) {
    this.endpoint = endpoint;
    this.token = token;
  }

  /**
   * Runs `calls` ([{operation, variables}]) in one request and answers their results in
   * the same order: each `{data, errors}` as the server sent it, so a caller can render
   * what came and explain what did not (partial answers are normal, not failures).
   */
  async batch(calls) {
    const wire = await Promise.all(
      calls.map(async ({ operation, variables }) => {
        const hash = await sha256(operation.text);
        const body = { operationName: operation.name, variables: variables || {} };
        if (hash) body.extensions = { persistedQuery: { version: 1, sha256Hash: hash } };
        else body.query = operation.text;
        return body;
      }),
    );
    const results = await this.post(wire);
    const missing = results
      .map((result, index) => (hasCode(result, NOT_FOUND) ? index : -1))
      .filter((index) => index >= 0);
    if (missing.length > 0) {
      // The server refused these before running anything, so sending them again (with
      // their text, which registers them) cannot run a mutation twice.
      const again = await this.post(missing.map((i) => ({ ...wire[i], query: calls[i].operation.text })));
      missing.forEach((i, n) => {
        results[i] = again[n];
      });
    }
    return results;
  }

  /**
   * One operation whose answer may come in parts (`@defer`, gateway/incremental.py):
   * `onPart(answer)` is called with the {data, errors} so far as each part arrives (an
   * answer that comes whole is one part). Sent by hash first, like `batch`. Answers the
   * whole {data, errors} once the last part came.
   */
  async inParts(operation, variables, onPart) {
    const hash = await sha256(operation.text);
    const body = { operationName: operation.name, variables: variables || {} };
    if (hash) body.extensions = { persistedQuery: { version: 1, sha256Hash: hash } };
    else body.query = operation.text;
    let response = await this.send(body, ACCEPT_PARTS);
    if (!isMultipart(response)) {
      let whole = await this.whole(response);
      if (hasCode(whole, NOT_FOUND)) {
        // Refused before anything ran: sent again with its text, which registers it.
        response = await this.send({ ...body, query: operation.text }, ACCEPT_PARTS);
        whole = isMultipart(response) ? null : await this.whole(response);
      }
      if (whole) {
        onPart(whole);
        return whole;
      }
    }
    const answer = {};
    try {
      for await (const part of partsOf(response)) onPart(merged(answer, part));
    } catch (error) {
      throw new TransportError(String(error?.message || error));
    }
    return answer;
  }

  /** A whole (one-part) answer's {data, errors}, or a TransportError when there is none. */
  async whole(response) {
    let body = null;
    try {
      body = await response.json();
    } catch {
      // A proxy's HTML error page: no GraphQL answer.
    }
    if (body && !Array.isArray(body) && ("data" in body || body.errors)) {
      if (!("data" in body) && response.status >= 400 && !hasCode(body, NOT_FOUND)) {
        const error = body.errors?.[0];
        throw new TransportError(error?.message || `HTTP ${response.status}`, {
          status: response.status,
          code: error?.extensions?.code || "HTTP_ERROR",
        });
      }
      return body;
    }
    throw new TransportError(`HTTP ${response.status}`, { status: response.status, code: "HTTP_ERROR" });
  }

  async send(payload, accept) {
    const headers = { "content-type": "application/json", accept, ...CLIENT };
    const token = this.token();
    if (token) headers.authorization = `Bearer ${token}`;
    try {
      return await fetch(this.endpoint, {
        method: "POST",
        headers,
        body: JSON.stringify(payload),
        credentials: "omit", // tokens travel in a header, never in cookies
        cache: "no-store",
      });
    } catch (error) {
      throw new TransportError(String(error?.message || error));
    }
  }

  async post(operations) {
    const response = await this.send(operations, "application/json");
    let body = null;
    try {
      body = await response.json();
    } catch {
      // A proxy's HTML error page: no GraphQL answer.
    }
    if (Array.isArray(body) && body.length === operations.length) return body;
    // A refusal of the whole request (too large, rate limited...) is one error object.
    const error = body?.errors?.[0];
    throw new TransportError(error?.message || `HTTP ${response.status}`, {
      status: response.status,
      code: error?.extensions?.code || "HTTP_ERROR",
    });
  }
}
