// The permanent password, once logged in: change it knowing the current one, or set it
// with a code texted to the number (when there is none, or it is forgotten). Shown for the
// person's own number only: a linked number's password is its owner's business.
import { h, replaceChildren } from "../dom.js";
import { clearErrors, field, form, runAction, showErrors, submitButton } from "../forms.js";
import { t } from "../i18n.js";
import { ChangePassword, RequestPasswordCode, SetPassword } from "../operations.js";
import { card } from "./card.js";

const CODE_ERRORS = { INVALID_CODE: "code", CODE_EXPIRED: "code", TOO_MANY_ATTEMPTS: "code", BAD_USER_INPUT: "code", WEAK_PASSWORD: "newPassword" };

/** The new password's two fields, and the check that they agree (said beside them). */
export function newPasswordFields() {
  return [
    field({ label: t("password.new"), name: "newPassword", type: "password", autocomplete: "new-password", hint: t("password.hint") }),
    field({ label: t("password.repeat"), name: "repeatPassword", type: "password", autocomplete: "new-password" }),
  ];
}

/** The new password typed, or null with the reason shown beside its field. */
export function newPasswordOf(formNode) {
  const value = formNode.elements.newPassword.value;
  if (!value) {
    showErrors(formNode, [{ field: "newPassword", text: t("password.empty") }]);
    return null;
  }
  if (value !== formNode.elements.repeatPassword.value) {
    showErrors(formNode, [{ field: "repeatPassword", text: t("password.mismatch") }]);
    return null;
  }
  return value;
}

function done(node, text) {
  const note = node.querySelector("[data-password-done]");
  note.textContent = text;
  note.hidden = false;
}

function changeForm(ctx, cardNode) {
  const node = form(
    {
      label: t("password.change"),
      onSubmit: async (f) => {
        clearErrors(f);
        const current = f.elements.currentPassword.value;
        if (!current) {
          showErrors(f, [{ field: "currentPassword", text: t("password.empty") }]);
          return;
        }
        const next = newPasswordOf(f);
        if (next === null) return;
        const ok = await runAction({
          api: ctx.api,
          formNode: f,
          operation: ChangePassword,
          field: "changePassword",
          variables: { currentPassword: current, newPassword: next },
          idempotent: false,
          errorFields: { INVALID_CREDENTIALS: "currentPassword", WEAK_PASSWORD: "newPassword" },
        });
        if (ok) {
          f.reset();
          done(cardNode, t("password.changed"));
        }
      },
    },
    h("h3", {}, t("password.change")),
    field({ label: t("password.current"), name: "currentPassword", type: "password", autocomplete: "current-password" }),
    ...newPasswordFields(),
    submitButton(t("password.change")),
  );
  return node;
}

function bySmsForm(ctx, cardNode) {
  const area = h("div", {});
  const ask = form(
    {
      label: t("password.bySms"),
      onSubmit: async (f) => {
        const sent = await runAction({
          api: ctx.api,
          formNode: f,
          operation: RequestPasswordCode,
          field: "requestPasswordCode",
          variables: { msisdn: ctx.owner },
          idempotent: false,
        });
        if (sent) codeForm();
      },
    },
    h("h3", {}, t("password.bySms")),
    h("p", { class: "muted" }, t("password.bySmsHint")),
    submitButton(t("password.sendCode"), { class: "btn btn--ghost" }),
  );
  function codeForm() {
    const node = form(
      {
        label: t("password.save"),
        onSubmit: async (f) => {
          clearErrors(f);
          const next = newPasswordOf(f);
          if (next === null) return;
          const ok = await runAction({
            api: ctx.api,
            formNode: f,
            operation: SetPassword,
            field: "setPassword",
            variables: { code: f.elements.code.value.trim(), newPassword: next },
            idempotent: false,
            errorFields: CODE_ERRORS,
          });
          if (ok) {
            replaceChildren(area, ask);
            done(cardNode, t("password.set"));
          }
        },
      },
      h("h3", {}, t("password.bySms")),
      field({ label: t("login.code"), name: "code", inputmode: "numeric", autocomplete: "one-time-code", maxlength: "8" }),
      ...newPasswordFields(),
      submitButton(t("password.save")),
    );
    replaceChildren(area, node);
    node.elements.code.focus();
  }
  replaceChildren(area, ask);
  return area;
}

export function renderPassword(ctx) {
  if (ctx.msisdn !== ctx.owner) return null;
  const node = card({ id: "password", title: t("password.title") });
  node.append(
    h("p", { class: "notice notice--ok", "data-password-done": "", "data-done": "", role: "status", hidden: true }),
    changeForm(ctx, node),
    bySmsForm(ctx, node),
  );
  return node;
}
