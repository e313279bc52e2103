// Reading an answer sent in parts (`@defer`): a multipart/mixed body in Apollo's
// deferSpec=20220824 format, as the gateway writes it when asked with
// `Accept: multipart/mixed;deferSpec=20220824`. Each part is handed over the moment its
// closing delimiter arrives; `merged` folds the parts into one {data, errors} answer.

export const ACCEPT_PARTS = "multipart/mixed;deferSpec=20220824, application/json;q=0.9";

/** Whether a fetch Response is an answer in parts. */
export function isMultipart(response) {
  return (response.headers.get("content-type") || "").startsWith("multipart/mixed");
}

function boundaryOf(response) {
  const found = /boundary="?([^";]+)"?/.exec(response.headers.get("content-type") || "");
  return found ? found[1] : "-";
}

/** The JSON parts of a multipart/mixed Response, one by one as they arrive. */
export async function* partsOf(response) {
  const delimiter = `\r\n--${boundaryOf(response)}`;
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += decoder.decode(value, { stream: true });
    for (;;) {
      const start = buffer.indexOf(delimiter);
      const end = start < 0 ? -1 : buffer.indexOf(delimiter, start + delimiter.length);
      if (end < 0) break;
      const part = buffer.slice(start + delimiter.length, end);
      buffer = buffer.slice(end);
      const body = part.slice(part.indexOf("\r\n\r\n") + 4);
      yield JSON.parse(body);
    }
  }
}

function deepMerge(target, patch) {
  for (const [key, value] of Object.entries(patch)) {
    if (value && typeof value === "object" && !Array.isArray(value) && target[key] && typeof target[key] === "object") {
      deepMerge(target[key], value);
    } else {
      target[key] = value;
    }
  }
}

function at(data, path) {
  let here = data;
  for (const key of path) {
    if (here == null) return null;
    here = here[key];
  }
  return here;
}

/**
 * `answer` ({data, errors}) with one more part folded in (mutated and returned): a
 * deferred fragment's data merged at its path, a stream's items appended, errors added.
 */
export function merged(answer, part) {
  if ("data" in part) answer.data = part.data;
  if (part.errors) answer.errors = [...(answer.errors || []), ...part.errors];
  for (const item of part.incremental || []) {
    if (item.errors) answer.errors = [...(answer.errors || []), ...item.errors];
    if (item.items) {
      const list = at(answer.data, item.path.slice(0, -1));
      if (Array.isArray(list)) list.push(...item.items);
    } else if (item.data) {
      const target = at(answer.data, item.path);
      if (target && typeof target === "object") deepMerge(target, item.data);
    }
  }
  return answer;
}
