// Linked numbers: switch the page to one, unlink one, and link a new one (linkNumber
// texts a code to the other number; confirmLinkedNumber with that code makes the link).
import { h, replaceChildren } from "../dom.js";
import { msisdn as showMsisdn, toE164 } from "../format.js";
import { field, form, runAction, submitButton } from "../forms.js";
import { t } from "../i18n.js";
import { announce } from "../notices.js";
import { ConfirmLinkedNumber, LinkNumber, UnlinkNumber } from "../operations.js";
import { card, notice } from "./card.js";
import { confirmAction } from "../confirm.js";

const LINK_ERRORS = {
  BAD_USER_INPUT: "msisdn",
  NOT_OPERATOR_NUMBER: "msisdn",
  ALREADY_LINKED: "msisdn",
  LINK_LIMIT_REACHED: "msisdn",
  RATE_LIMITED: "msisdn",
};
const CONFIRM_ERRORS = { BAD_USER_INPUT: "code", INVALID_CODE: "code", CODE_EXPIRED: "code", TOO_MANY_ATTEMPTS: "code" };

function confirmForm(ctx, target, area) {
  const e164 = toE164(target) || target;
  const inbox =
    ctx.config.demo && ctx.config.smsInbox
      ? h("p", {}, h("a", { href: ctx.config.smsInbox + encodeURIComponent(e164), target: "_blank", rel: "noopener" }, t("login.smsInbox")))
      : null;
  const node = form(
    {
      label: t("numbers.confirm"),
      onSubmit: async (f) => {
        const payload = await runAction({
          api: ctx.api,
          formNode: f,
          operation: ConfirmLinkedNumber,
          field: "confirmLinkedNumber",
          variables: { msisdn: e164, code: f.elements.code.value.trim() },
          idempotent: false,
          errorFields: CONFIRM_ERRORS,
        });
        if (payload) {
          announce(t("numbers.linked", { msisdn: showMsisdn(payload.msisdn) }));
          ctx.reload();
        }
      },
    },
    h("p", {}, t("numbers.codeSent", { msisdn: showMsisdn(e164) })),
    field({ label: t("numbers.code"), name: "code", inputmode: "numeric", autocomplete: "one-time-code", maxlength: "8" }),
    inbox,
    submitButton(t("numbers.confirm")),
  );
  replaceChildren(area, node);
  node.elements.code.focus();
}

function linkForm(ctx, area) {
  return form(
    {
      label: t("numbers.add"),
      onSubmit: async (f) => {
        const target = f.elements.msisdn.value.trim();
        const alias = f.elements.alias.value.trim() || null;
        const payload = await runAction({
          api: ctx.api,
          formNode: f,
          operation: LinkNumber,
          field: "linkNumber",
          variables: { msisdn: target, alias },
          idempotent: false,
          errorFields: LINK_ERRORS,
        });
        if (payload) confirmForm(ctx, target, area);
      },
    },
    h("h3", {}, t("numbers.add")),
    field({ label: t("numbers.msisdn"), name: "msisdn", type: "tel", inputmode: "tel", placeholder: "+7 900 000-00-00" }),
    field({ label: t("numbers.alias"), name: "alias", maxlength: "40" }),
    submitButton(t("numbers.getCode")),
  );
}

function unlinkForm(ctx, link) {
  return form(
    {
      class: "row",
      onSubmit: async (f) => {
        const name = link.alias || showMsisdn(link.msisdn);
        const sure = await confirmAction({ title: t("numbers.unlinkAsk", { name }), text: t("numbers.unlinkWhat"), confirm: t("numbers.unlink") });
        if (!sure) {
          f.querySelector("button[type=submit]")?.focus();
          return;
        }
        const done = await runAction({
          api: ctx.api,
          formNode: f,
          operation: UnlinkNumber,
          field: "unlinkNumber",
          variables: { msisdn: link.msisdn },
          idempotent: false,
        });
        if (done) {
          announce(t("numbers.unlinked", { msisdn: showMsisdn(link.msisdn) }));
          if (ctx.msisdn === link.msisdn) ctx.switchTo(ctx.owner);
          else ctx.reload();
        }
      },
    },
    h("button", { type: "submit", class: "btn btn--ghost btn--small", "aria-label": t("numbers.unlinkNamed", { name: link.alias || showMsisdn(link.msisdn) }) }, t("numbers.unlink")),
  );
}

function item(ctx, link, area) {
  const confirmed = link.status === "CONFIRMED";
  const viewing = ctx.msisdn === link.msisdn;
  return h(
    "li",
    { "data-linked": link.msisdn },
    h(
      "div",
      { class: "list__main" },
      h("div", { class: "list__title" }, link.alias || showMsisdn(link.msisdn)),
      h("div", { class: "muted" }, showMsisdn(link.msisdn), " ", h("span", { class: confirmed ? "tag tag--ok" : "tag" }, t(`link.${link.status}`))),
    ),
    h(
      "div",
      { class: "row" },
      confirmed && !viewing
        ? h("button", { type: "button", class: "btn btn--small", onClick: () => ctx.switchTo(link.msisdn) }, t("numbers.show"))
        : null,
      !confirmed
        ? h("button", { type: "button", class: "btn btn--small", onClick: () => confirmForm(ctx, link.msisdn, area) }, t("numbers.enterCode"))
        : null,
      unlinkForm(ctx, link),
    ),
  );
}

/** @param account the `me` of the Account query (the owner's links), or null. */
export function renderNumbers(ctx, account, problem) {
  const title = t("numbers.title");
  if (!account) return card({ id: "numbers", title }, notice(problem || t("numbers.unavailable")));
  const area = h("div", { "data-link-area": "" });
  const links = account.linkedNumbers;
  area.append(linkForm(ctx, area));
  return card(
    { id: "numbers", title },
    ctx.msisdn !== ctx.owner
      ? h("p", {}, h("button", { type: "button", class: "btn btn--ghost btn--small", onClick: () => ctx.switchTo(ctx.owner) }, t("numbers.backToMine")))
      : null,
    links === null
      ? notice(problem || t("numbers.unavailable"))
      : links.length
        ? h("ul", { class: "list" }, links.map((link) => item(ctx, link, area)))
        : h("p", { class: "muted" }, t("numbers.none")),
    area,
  );
}
