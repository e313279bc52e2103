// Logging in: the number, then the code from the SMS (requestLoginCode -> logIn); or the
// number and the permanent password (logInWithPassword). In the demo a link opens the
// simulated SMS inbox, since there is no phone to read the code on.
import { h, replaceChildren } from "../dom.js";
import { field, form, runAction, submitButton } from "../forms.js";
import { msisdn as showMsisdn, toE164 } from "../format.js";
import { t } from "../i18n.js";
import { LogIn, LogInWithPassword, RequestLoginCode, RequestPasswordCode, ResetPassword } from "../operations.js";
import { newPasswordFields, newPasswordOf } from "./password.js";
import { holdUntil } from "../countdown.js";

// Until when (ms since the epoch) the gateway refuses a new code for a number: it said so
// in resendAvailableAt, or in a RATE_LIMITED refusal's retryAfter.
const codeHeld = new Map();

function holdCodeButton(button, number) {
  const until = codeHeld.get(number);
  return until && until > Date.now() ? holdUntil(button, until) : null;
}

function rememberRefusal(number, result) {
  const error = result?.errors?.[0];
  if (error?.extensions?.code === "RATE_LIMITED" && error.extensions.retryAfter) {
    codeHeld.set(number, Date.now() + error.extensions.retryAfter * 1000);
  }
}

const LOGIN_ERRORS = {
  BAD_USER_INPUT: "msisdn",
  INVALID_CODE: "code",
  CODE_EXPIRED: "code",
  TOO_MANY_ATTEMPTS: "code",
  INVALID_CREDENTIALS: "password",
};

/**
 * @param {{api, config: {demo: boolean, smsInbox?: string}, onLoggedIn: (payload) => void, message?: string}} ctx
 */
export function renderLogin(ctx) {
  const card = h("section", { class: "card login", "aria-labelledby": "login-title" });
  let number = "";

  function heading(subtitle) {
    return [
      h("h1", { id: "login-title", tabindex: "-1" }, t("login.title")),
      subtitle ? h("p", { class: "muted" }, subtitle) : null,
      ctx.message ? h("p", { class: "notice" }, ctx.message) : null,
    ];
  }

  function show(...children) {
    replaceChildren(card, ...children);
    // Move focus to the first field so keyboard and screen-reader users land on the step.
    card.querySelector("input")?.focus();
  }

  function demoHint() {
    if (!ctx.config.demo) return null;
    return h("p", { class: "notice notice--info" }, t("login.demoHint"));
  }

  function numberStep() {
    const getCode = submitButton(t("login.getCode"));
    const f = form(
      {
        label: t("login.byCode"),
        onSubmit: async (node) => {
          number = node.elements.msisdn.value.trim();
          const payload = await runAction({
            api: ctx.api,
            formNode: node,
            operation: RequestLoginCode,
            field: "requestLoginCode",
            variables: { msisdn: number },
            idempotent: false,
            errorFields: { BAD_USER_INPUT: "msisdn", RATE_LIMITED: "msisdn" },
            onResult: (result) => rememberRefusal(number, result),
          });
          if (payload) {
            codeHeld.set(number, Date.parse(payload.resendAvailableAt));
            codeStep(payload);
          } else {
            const line = holdCodeButton(getCode, number);
            if (line) getCode.after(line);
          }
        },
      },
      field({ label: t("login.msisdn"), name: "msisdn", type: "tel", autocomplete: "tel", inputmode: "tel", placeholder: "+7 900 000-00-00", value: number }),
      getCode,
    );
    const held = number ? holdCodeButton(getCode, number) : null;
    if (held) getCode.after(held);
    show(
      ...heading(t("login.byCodeHint")),
      f,
      h("p", {}, h("button", { type: "button", class: "link-button", onClick: passwordStep }, t("login.usePassword"))),
      demoHint(),
    );
  }

  function codeStep(sent) {
    const e164 = toE164(number);
    const inbox =
      ctx.config.demo && ctx.config.smsInbox
        ? h(
            "p",
            { class: "notice notice--info" },
            h("a", { href: ctx.config.smsInbox + encodeURIComponent(e164 || number), target: "_blank", rel: "noopener", "data-sms-inbox": "" }, t("login.smsInbox")),
          )
        : null;
    const resend = h("button", { type: "button", class: "btn btn--ghost btn--small" }, t("login.resend"));
    // The gateway refuses a new code before resendAvailableAt; the button waits for it.
    const resendWait = holdUntil(resend, Date.parse(sent.resendAvailableAt));
    const f = form(
      {
        label: t("login.enterCode"),
        onSubmit: async (node) => {
          const payload = await runAction({
            api: ctx.api,
            formNode: node,
            operation: LogIn,
            field: "logIn",
            variables: { msisdn: number, code: node.elements.code.value.trim() },
            idempotent: false,
            errorFields: LOGIN_ERRORS,
          });
          if (payload) ctx.onLoggedIn(payload);
        },
      },
      field({ label: t("login.code"), name: "code", inputmode: "numeric", autocomplete: "one-time-code", maxlength: "8", pattern: "[0-9]*" }),
      submitButton(t("login.submit")),
    );
    resend.addEventListener("click", async () => {
      resend.disabled = true;
      const again = await runAction({
        api: ctx.api,
        formNode: f,
        operation: RequestLoginCode,
        field: "requestLoginCode",
        variables: { msisdn: number },
        idempotent: false,
        onResult: (result) => rememberRefusal(number, result),
      });
      if (again) {
        codeHeld.set(number, Date.parse(again.resendAvailableAt));
        codeStep(again);
        return;
      }
      const line = holdCodeButton(resend, number);
      if (line) resend.after(line);
      else resend.disabled = false;
    });
    show(
      ...heading(t("login.codeSent", { msisdn: showMsisdn(e164) || number })),
      f,
      inbox,
      h("div", { class: "row" }, resend, resendWait, h("button", { type: "button", class: "link-button", onClick: numberStep }, t("login.changeNumber"))),
    );
  }

  function passwordStep() {
    const f = form(
      {
        label: t("login.byPassword"),
        onSubmit: async (node) => {
          number = node.elements.msisdn.value.trim();
          const payload = await runAction({
            api: ctx.api,
            formNode: node,
            operation: LogInWithPassword,
            field: "logInWithPassword",
            variables: { msisdn: number, password: node.elements.password.value },
            idempotent: false,
            errorFields: LOGIN_ERRORS,
          });
          if (payload) ctx.onLoggedIn(payload);
        },
      },
      field({ label: t("login.msisdn"), name: "msisdn", type: "tel", autocomplete: "username", inputmode: "tel", placeholder: "+7 900 000-00-00", value: number }),
      field({ label: t("login.password"), name: "password", type: "password", autocomplete: "current-password" }),
      submitButton(t("login.submit")),
    );
    show(
      ...heading(t("login.byPasswordHint")),
      f,
      h(
        "p",
        { class: "row" },
        h("button", { type: "button", class: "link-button", onClick: numberStep }, t("login.useCode")),
        h("button", { type: "button", class: "link-button", onClick: resetStep }, t("login.forgot")),
      ),
      demoHint(),
    );
  }

  /** A forgotten password: the number, then the texted code and a new password; logs in. */
  function resetStep() {
    let asked = false;
    const codeFields = h(
      "div",
      { hidden: true },
      field({ label: t("login.code"), name: "code", inputmode: "numeric", autocomplete: "one-time-code", maxlength: "8" }),
      ...newPasswordFields(),
    );
    const send = submitButton(t("login.getCode"));
    const f = form(
      {
        label: t("login.reset"),
        onSubmit: async (node) => {
          number = node.elements.msisdn.value.trim();
          if (!asked) {
            const sent = await runAction({
              api: ctx.api,
              formNode: node,
              operation: RequestPasswordCode,
              field: "requestPasswordCode",
              variables: { msisdn: number },
              idempotent: false,
              errorFields: { BAD_USER_INPUT: "msisdn", RATE_LIMITED: "msisdn" },
            });
            if (!sent) return;
            asked = true;
            codeFields.hidden = false;
            if (ctx.config.demo && ctx.config.smsInbox) {
              const href = ctx.config.smsInbox + encodeURIComponent(toE164(number) || number);
              codeFields.prepend(h("p", { class: "notice notice--info" }, h("a", { href, target: "_blank", rel: "noopener" }, t("login.smsInbox"))));
            }
            send.textContent = t("login.resetSubmit");
            node.elements.code.focus();
            return;
          }
          const next = newPasswordOf(node);
          if (next === null) return;
          const payload = await runAction({
            api: ctx.api,
            formNode: node,
            operation: ResetPassword,
            field: "resetPassword",
            variables: { msisdn: number, code: node.elements.code.value.trim(), newPassword: next },
            idempotent: false,
            errorFields: { ...LOGIN_ERRORS, WEAK_PASSWORD: "newPassword" },
          });
          if (payload) ctx.onLoggedIn(payload);
        },
      },
      field({ label: t("login.msisdn"), name: "msisdn", type: "tel", autocomplete: "username", inputmode: "tel", placeholder: "+7 900 000-00-00", value: number }),
      codeFields,
      send,
    );
    show(
      ...heading(t("login.resetHint")),
      f,
      h("p", {}, h("button", { type: "button", class: "link-button", onClick: passwordStep }, t("login.usePassword"))),
      demoHint(),
    );
  }

  numberStep();
  return card;
}
