// Topping up the balance (a saved card, a new card, Apple Pay or Google Pay), and autopay:
// a standing top-up, monthly or whenever the balance falls below an amount.
import { h, uid } from "../dom.js";
import { money } from "../format.js";
import { clearErrors, field, form, runAction, showErrors, submitButton } from "../forms.js";
import { t } from "../i18n.js";
import { announce } from "../notices.js";
import { CancelAutopay, SetAutopay, TopUp } from "../operations.js";
import { card, notice } from "./card.js";
import { chosenMethod, paymentMethodFieldset, walletButtons, walletMethod } from "./payment.js";

const QUICK_AMOUNTS = ["100", "300", "500", "1000"];

/** "1 000,50" or "1000.5" as the Decimal string the API takes ("1000.50"), or null. */
export function parseAmount(text) {
  const cleaned = String(text).replace(/[\s\u00a0\u202f]/g, "").replace(",", ".");
  // Up to nine digits: a million is a well-formed amount, refused for its size, not its form.
  if (!/^\d{1,9}(\.\d{1,2})?$/.test(cleaned)) return null;
  const [whole, fraction = ""] = cleaned.split(".");
  return `${Number(whole)}.${fraction.padEnd(2, "0")}`;
}

/** "От 10 до 15 000 ₽", or null when the page was not told the range. */
function rangeText(ctx) {
  const range = ctx.config.topUp;
  if (!range) return null;
  return t("topup.range", { min: money({ amount: range.min, currency: "RUB" }), max: money({ amount: range.max, currency: "RUB" }) });
}

/** The amount typed into `name`, or null with the error shown beside it. */
function amountOf(ctx, formNode, name, errors) {
  const amount = parseAmount(formNode.elements[name].value);
  if (!amount || Number(amount) <= 0) {
    errors.push({ field: name, text: t("topup.badAmount") });
    return null;
  }
  const range = ctx.config.topUp;
  if (range && (Number(amount) < Number(range.min) || Number(amount) > Number(range.max))) {
    errors.push({ field: name, text: rangeText(ctx) });
    return null;
  }
  return amount;
}

function topUpForm(ctx, cards, cardsProblem, onNewBalance) {
  const node = form(
    {
      label: t("topup.title"),
      onSubmit: async (f, submitter) => {
        clearErrors(f);
        const errors = [];
        const amount = amountOf(ctx, f, "amount", errors);
        const wallet = walletMethod(f, submitter);
        const chosen = wallet ? { method: wallet } : chosenMethod(f);
        if (chosen.error) errors.push(chosen.error);
        if (errors.length) {
          showErrors(f, errors);
          return;
        }
        const payload = await runAction({
          api: ctx.api,
          formNode: f,
          operation: TopUp,
          field: "topUp",
          variables: { msisdn: ctx.msisdn, amount, paymentMethod: chosen.method },
        });
        if (payload) {
          onNewBalance(payload.subscriber?.balance);
          f.walletTokens = null;
          f.reset();
          const paid = money(payload.amount || { amount, currency: "RUB" });
          announce(t("topup.done", { amount: paid }));
          ctx.reload({ notice: { section: "topup", text: t("topup.done", { amount: paid }) } });
        }
      },
    },
    field({ label: t("topup.amount"), name: "amount", inputmode: "decimal", autocomplete: "transaction-amount", placeholder: "500", hint: rangeText(ctx) }),
    h(
      "div",
      { class: "row", role: "group", "aria-label": t("topup.quick") },
      QUICK_AMOUNTS.map((a) =>
        h(
          "button",
          {
            type: "button",
            class: "btn btn--ghost btn--small",
            onClick: () => {
              node.elements.amount.value = a;
              node.elements.amount.focus();
            },
          },
          money({ amount: a, currency: "RUB" }),
        ),
      ),
    ),
    paymentMethodFieldset(ctx, cards, cardsProblem),
    submitButton(t("topup.submit")),
    walletButtons(ctx),
  );
  return node;
}

export function renderTopUp(ctx, cards, cardsProblem, onNewBalance) {
  return card({ id: "topup", title: t("topup.title") }, topUpForm(ctx, cards, cardsProblem, onNewBalance));
}

function describeAutopay(autopay) {
  const amount = money(autopay.amount);
  const when = autopay.monthly
    ? t("autopay.monthlyText", { amount })
    : t("autopay.belowText", { amount, below: money(autopay.belowAmount) });
  return [h("p", { class: "list__title", "data-autopay": autopay.monthly ? "monthly" : "below" }, when), autopay.paymentMethod ? h("p", { class: "muted" }, t("autopay.paidWith", { method: autopay.paymentMethod })) : null];
}

function cancelForm(ctx) {
  return form(
    {
      class: "row",
      onSubmit: async (f) => {
        const payload = await runAction({ api: ctx.api, formNode: f, operation: CancelAutopay, field: "cancelAutopay", variables: { msisdn: ctx.msisdn } });
        if (payload) ctx.reload({ notice: { section: "autopay", text: t("autopay.off") } });
      },
    },
    h("button", { type: "submit", class: "btn btn--ghost btn--small" }, t("autopay.cancel")),
  );
}

function scheduleChoice(autopay, onChange) {
  const radio = (value, label, checked) => {
    const id = uid("schedule");
    return h("div", { class: "check" }, h("input", { type: "radio", id, name: "schedule", value, checked: checked || undefined, onChange }), h("label", { for: id }, label));
  };
  const below = autopay ? !autopay.monthly : false;
  return h("fieldset", { class: "field" }, h("legend", {}, t("autopay.when")), radio("monthly", t("autopay.monthly"), !below), radio("below", t("autopay.below"), below));
}

function autopayForm(ctx, autopay, cards, cardsProblem) {
  const threshold = field({ label: t("autopay.belowAmount"), name: "belowAmount", inputmode: "decimal", value: autopay?.belowAmount?.amount ?? "100" });
  const node = form(
    {
      label: t("autopay.title"),
      onSubmit: async (f) => {
        clearErrors(f);
        const errors = [];
        const amount = amountOf(ctx, f, "amount", errors);
        const below = f.elements.schedule.value === "below";
        const belowAmount = below ? parseAmount(f.elements.belowAmount.value) : null;
        if (below && belowAmount === null) errors.push({ field: "belowAmount", text: t("topup.badAmount") });
        const chosen = chosenMethod(f);
        if (chosen.error) errors.push(chosen.error);
        if (errors.length) {
          showErrors(f, errors);
          return;
        }
        const payload = await runAction({
          api: ctx.api,
          formNode: f,
          operation: SetAutopay,
          field: "setAutopay",
          variables: { msisdn: ctx.msisdn, amount, paymentMethod: chosen.method, belowAmount },
        });
        if (payload) ctx.reload({ notice: { section: "autopay", text: t("autopay.on") } });
      },
    },
    h("h3", {}, t(autopay ? "autopay.change" : "autopay.set")),
    scheduleChoice(autopay, () => {
      threshold.hidden = node.elements.schedule.value !== "below";
    }),
    threshold,
    field({ label: t("autopay.amount"), name: "amount", inputmode: "decimal", value: autopay?.amount?.amount ?? "300", hint: rangeText(ctx) }),
    paymentMethodFieldset(ctx, cards, cardsProblem),
    submitButton(t("autopay.save")),
  );
  threshold.hidden = !(autopay && !autopay.monthly);
  return node;
}

/**
 * The autopay in force (with its cancel button) and the form to set or change it.
 * @param autopay Subscriber.autopay: null when there is none, or when it could not be had
 *   (`problem` then says why, and the form is not offered: it would replace what we cannot see).
 */
export function renderAutopay(ctx, autopay, problem, cards, cardsProblem) {
  const title = t("autopay.title");
  if (problem) return card({ id: "autopay", title }, notice(problem));
  return card(
    { id: "autopay", title },
    autopay ? [...describeAutopay(autopay), cancelForm(ctx)] : h("p", { class: "muted", "data-autopay": "none" }, t("autopay.none")),
    autopayForm(ctx, autopay, cards, cardsProblem),
  );
}
