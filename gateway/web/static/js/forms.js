// Labelled fields, errors beside the field they are about, and running one action
// (a mutation) from a form with its idempotency key.
import { h, uid } from "./dom.js";
import { describe } from "./errors.js";
import { newIdempotencyKey } from "./ids.js";
import { t } from "./i18n.js";

/**
 * A label, a control and the place for its error, tied together with for/id and
 * aria-describedby so a screen reader reads the error with the field.
 * `control` is "input" (default), "select" (with `options: [{value, label}]`) or "textarea".
 */
export function field({ label, name, control = "input", options = [], hint, ...attrs }) {
  const id = uid(name);
  const errorId = `${id}-error`;
  const hintId = hint ? `${id}-hint` : null;
  const describedBy = [hintId, errorId].filter(Boolean).join(" ");
  let input;
  if (control === "select") {
    input = h(
      "select",
      { id, name, "aria-describedby": describedBy, ...attrs },
      options.map((o) => h("option", { value: o.value, selected: o.selected || undefined }, o.label)),
    );
  } else {
    input = h(control, { id, name, "aria-describedby": describedBy, ...attrs });
  }
  return h(
    "div",
    { class: "field" },
    h("label", { for: id }, label),
    hint ? h("span", { class: "muted", id: hintId }, hint) : null,
    input,
    h("span", { class: "field__error", id: errorId, "data-error-for": name }),
  );
}

/**
 * A form with a form-level error region; `onSubmit(form, submitter)` runs on submit
 * (`submitter` is the button pressed, for forms with more than one way to send). Give `label`
 * only to a form that stands on its own (login, top-up): a named form is a landmark, and
 * a landmark per list item would drown the screen reader's landmark list.
 */
export function form({ label, onSubmit, class: cls = "form" }, ...children) {
  const node = h(
    "form",
    {
      class: cls,
      "aria-label": label,
      novalidate: true, // the server's userErrors are the messages people see
      onSubmit: (event) => {
        event.preventDefault();
        onSubmit(node, event.submitter ?? null);
      },
    },
    ...children,
    h("p", { class: "form-error", role: "alert", "data-form-error": "" }),
  );
  return node;
}

export function submitButton(text, extra = {}) {
  return h("button", { type: "submit", class: "btn btn--accent", ...extra }, text);
}

export function clearErrors(formNode) {
  for (const node of formNode.querySelectorAll("[data-error-for]")) node.textContent = "";
  for (const node of formNode.querySelectorAll("[aria-invalid]")) node.removeAttribute("aria-invalid");
  formNode.querySelector("[data-form-error]").textContent = "";
}

/**
 * An error shown in a section ends the success notice above it (a top-up done a minute ago
 * must not sit over the refusal of the next one).
 */
function dropSuccess(formNode) {
  const section = formNode.closest("section") ?? formNode;
  for (const note of section.querySelectorAll("[data-flash]")) note.remove();
  for (const note of section.querySelectorAll("[data-done]")) note.hidden = true;
}

export function formError(formNode, text) {
  formNode.querySelector("[data-form-error]").textContent = text;
  if (text) dropSuccess(formNode);
}

/** The control to mark and focus for `name`: a radio group gives its checked radio (or its first). */
function controlNamed(formNode, name) {
  const found = formNode.elements.namedItem(name);
  if (!found) return formNode.querySelector(`[data-control-for="${CSS.escape(name)}"]`);
  if (found instanceof RadioNodeList) return [...found].find((r) => r.checked) ?? found[0] ?? null;
  return found;
}

/**
 * Puts each error next to the control named by its `field` (the argument the server
 * names: "amount", "paymentMethod", "toMsisdn"); the rest above the button.
 */
export function showErrors(formNode, errors) {
  let first = null;
  const general = [];
  for (const error of errors) {
    const name = error.field ? String(error.field).split(".").pop() : null;
    const slot = name && formNode.querySelector(`[data-error-for="${CSS.escape(name)}"]`);
    if (!slot || slot.closest("[hidden]")) {
      general.push(error.text ?? error.message);
      continue;
    }
    slot.textContent = slot.textContent ? `${slot.textContent} ${error.text ?? error.message}` : (error.text ?? error.message);
    const control = controlNamed(formNode, name);
    if (control?.setAttribute) {
      control.setAttribute("aria-invalid", "true");
      first ??= control;
    }
  }
  if (general.length) formError(formNode, general.join(" "));
  else if (errors.length) dropSuccess(formNode);
  first?.focus();
}

function setBusy(formNode, busy) {
  for (const button of formNode.querySelectorAll("button[type=submit]")) {
    button.disabled = busy;
    button.setAttribute("aria-busy", String(busy));
  }
}

/**
 * The userError in the page's language: said for its field when the page has a sentence
 * for that ("uerr.INVALID_AMOUNT.gigabytes"), else for its code; the server's own (English)
 * message only for a code the page does not know.
 */
function userErrorText(error) {
  for (const key of [`uerr.${error.code}.${error.field}`, `uerr.${error.code}`]) {
    const known = t(key);
    if (known !== key) return known;
  }
  return error.message;
}

/**
 * Runs an action mutation from `formNode`: one idempotency key per user action, kept
 * while the outcome is unknown (the network failed, a backend timed out) so that pressing
 * the button again cannot do it twice, and dropped once the server has answered for sure.
 *
 * @param {object} o
 * @param {object} o.api        from createApi
 * @param {object} o.operation  from operations.js
 * @param {string} o.field      the mutation field whose payload to read ("topUp")
 * @param {object} o.variables  without idempotencyKey
 * @param {boolean} [o.idempotent=true] false for mutations that take no key (login, linking)
 * @param {object} [o.errorFields] top-level error codes to show at a field: {INVALID_CODE: "code"}
 * @param {(result: object) => void} [o.onResult] sees the whole answer first (a refusal's extensions)
 * @param {(errors: object[]) => void} [o.onUserErrors] runs before userErrors are shown
 *   (to reveal a field that only some answers ask for, like the offer's e-mail)
 * @returns {Promise<object|null>} the payload on success, else null (errors shown)
 */
export async function runAction({ api, formNode, operation, field: name, variables, idempotent = true, errorFields = {}, onUserErrors, onResult }) {
  clearErrors(formNode);
  const fingerprint = `${operation.name}:${JSON.stringify(variables)}`;
  if (idempotent && formNode.pendingAction?.fingerprint !== fingerprint) {
    formNode.pendingAction = { fingerprint, key: newIdempotencyKey() };
  }
  const sent = idempotent ? { ...variables, idempotencyKey: formNode.pendingAction.key } : variables;
  setBusy(formNode, true);
  try {
    const result = await api.one(operation, sent);
    onResult?.(result);
    const payload = result.data?.[name];
    const errors = result.errors || [];
    if (payload === undefined || payload === null) {
      const error = errors[0];
      const code = error?.extensions?.code;
      if (!["BACKEND_TIMEOUT", "BACKEND_UNAVAILABLE"].includes(code)) formNode.pendingAction = null;
      const at = errorFields[code];
      if (at) showErrors(formNode, [{ field: at, text: describe(error) }]);
      else formError(formNode, describe(error));
      return null;
    }
    formNode.pendingAction = null;
    if (payload.userErrors?.length) {
      onUserErrors?.(payload.userErrors);
      showErrors(formNode, payload.userErrors.map((e) => ({ field: e.field, text: userErrorText(e) })));
      return null;
    }
    return payload;
  } catch (error) {
    formError(formNode, describe(error));
    return null;
  } finally {
    setBusy(formNode, false);
  }
}
