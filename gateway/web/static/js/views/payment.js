// Choosing how to pay: one of the number's saved cards, or a new card. The API takes a
// PaymentMethodInput (@oneOf): exactly one of savedCardId, cardToken, applePayToken,
// googlePayToken. A real card form of the payment processor hands over a one-time card
// token; the page has the token's field where that form would sit.
import { h, uid } from "../dom.js";
import { t } from "../i18n.js";
import { newIdempotencyKey } from "../ids.js";

const NEW_CARD = "new";

/**
 * A fieldset of radios named `paymentMethod` (so that a userError on the field
 * `paymentMethod` lands beside it) and the new card's token field.
 * @param cards Subscriber.savedCards (null when they could not be had)
 * @param cardsProblem the sentence saying why they are missing
 */
export function paymentMethodFieldset(ctx, cards, cardsProblem) {
  const errorId = uid("payment-error");
  const hintId = uid("payment-hint");
  const ordered = [...(cards || [])].sort((a, b) => Number(b.preferred) - Number(a.preferred));
  const tokenField = uid("card-token");
  const token = h(
    "div",
    { class: "field" },
    h("label", { for: tokenField }, t("payment.cardToken")),
    h("span", { class: "muted", id: hintId }, t(ctx.config.demo ? "payment.cardTokenDemo" : "payment.cardTokenHint")),
    h("input", { id: tokenField, name: "cardToken", autocomplete: "off", spellcheck: "false", "aria-describedby": `${hintId} ${errorId}` }),
  );
  const radio = (value, label, checked) => {
    const id = uid("pay");
    return h(
      "div",
      { class: "check" },
      h("input", {
        type: "radio",
        id,
        name: "paymentMethod",
        value,
        checked: checked || undefined,
        "aria-describedby": errorId,
        onChange: () => {
          token.hidden = value !== NEW_CARD;
        },
      }),
      h("label", { for: id }, label),
    );
  };
  const options = ordered.map((card, i) =>
    radio(`saved:${card.id}`, card.preferred ? t("payment.preferred", { name: card.name }) : card.name, i === 0),
  );
  options.push(radio(NEW_CARD, t("payment.newCard"), ordered.length === 0));
  token.hidden = ordered.length > 0;
  return h(
    "fieldset",
    { class: "field payment", "data-payment-method": "" },
    h("legend", {}, t("payment.method")),
    cards === null && cardsProblem ? h("p", { class: "muted" }, cardsProblem) : null,
    options,
    token,
    h("span", { class: "field__error", id: errorId, "data-error-for": "paymentMethod" }),
  );
}

/**
 * The PaymentMethodInput the form's choice stands for, or `{error}` when the new card's
 * token is missing (said beside the payment method, like the server's own errors).
 */
export function chosenMethod(formNode) {
  const choice = formNode.elements.paymentMethod;
  const value = choice instanceof RadioNodeList || choice?.type === "radio" ? choice.value : "";
  if (value.startsWith("saved:")) return { method: { savedCardId: value.slice("saved:".length) } };
  if (value === NEW_CARD) {
    const cardToken = formNode.elements.cardToken.value.trim();
    if (!cardToken) return { error: { field: "paymentMethod", text: t("payment.tokenMissing") } };
    return { method: { cardToken } };
  }
  return { error: { field: "paymentMethod", text: t("payment.choose") } };
}

/** Apple Pay and Google Pay as buttons of their own: in the demo, each sends a made-up wallet token. */
export function walletButtons(ctx) {
  if (!ctx.config.demo) return null;
  return h(
    "div",
    { class: "row wallets", role: "group", "aria-label": t("payment.wallets") },
    h("button", { type: "submit", class: "btn btn--wallet", name: "wallet", value: "apple" }, t("payment.applePay")),
    h("button", { type: "submit", class: "btn btn--wallet", name: "wallet", value: "google" }, t("payment.googlePay")),
  );
}

/**
 * The wallet's PaymentMethodInput for a wallet button, or null for any other button. A real
 * page asks the Payment Request API for the token; the demo's billing takes any token, so
 * the demo makes one up -- once per form, so that pressing again after a network failure
 * repeats the same payment (same inputs, same idempotency key) instead of paying twice.
 */
export function walletMethod(formNode, submitter) {
  const wallet = submitter?.name === "wallet" ? submitter.value : null;
  if (!wallet) return null;
  formNode.walletTokens ??= {};
  formNode.walletTokens[wallet] ??= `demo-${wallet}-pay-${newIdempotencyKey()}`;
  const token = formNode.walletTokens[wallet];
  return wallet === "apple" ? { applePayToken: token } : { googlePayToken: token };
}
