// Partner offers of the loyalty programme. The first activation of a number that is not in
// the programme yet needs an e-mail and a name: the server says so with a userError
// EMAIL_REQUIRED on `email`, and only then do the two fields appear. The API takes the name
// as optional (the mobile app asks the e-mail only); the site asks both, as the operator's
// terms say, so the page requires the name itself.
import { h } from "../dom.js";
import { date } from "../format.js";
import { clearErrors, field, form, runAction, showErrors, submitButton } from "../forms.js";
import { t } from "../i18n.js";
import { ActivateOffer } from "../operations.js";
import { card, notice } from "./card.js";

function activateForm(ctx, offer) {
  const email = field({ label: t("offers.email"), name: "email", type: "email", autocomplete: "email", hint: t("offers.emailHint") });
  const name = field({ label: t("offers.name"), name: "name", autocomplete: "name", maxlength: "100", required: true });
  email.hidden = true;
  name.hidden = true;
  return form(
    {
      onSubmit: async (f) => {
        clearErrors(f);
        const given = email.hidden ? null : f.elements.email.value.trim() || null;
        const person = name.hidden ? null : f.elements.name.value.trim() || null;
        if (!name.hidden && !person) {
          showErrors(f, [{ field: "name", text: t("offers.nameMissing") }]);
          return;
        }
        const payload = await runAction({
          api: ctx.api,
          formNode: f,
          operation: ActivateOffer,
          field: "activateOffer",
          variables: { msisdn: ctx.msisdn, offerId: offer.id, email: given, name: person },
          onUserErrors: (errors) => {
            // The first activation joins the programme: only then are the e-mail and name asked.
            if (errors.some((e) => e.field === "email")) {
              email.hidden = false;
              name.hidden = false;
            }
          },
        });
        if (payload) {
          const text = payload.promoCode
            ? t("offers.activatedWithCode", { title: offer.title, code: payload.promoCode })
            : t("offers.activated", { title: offer.title });
          ctx.reload({ notice: { section: "offers", text } });
        }
      },
    },
    email,
    name,
    submitButton(t("offers.activate"), { "aria-label": t("offers.activateNamed", { title: offer.title }) }),
  );
}

function item(ctx, offer) {
  return h(
    "li",
    { "data-offer": offer.id },
    h(
      "div",
      { class: "list__main" },
      h("div", { class: "muted" }, offer.partner, " · ", t(`offerKind.${offer.kind}`)),
      h("div", { class: "list__title" }, offer.title),
      offer.description ? h("div", { class: "muted" }, offer.description) : null,
      offer.validUntil ? h("div", { class: "muted" }, t("offers.until", { date: date(offer.validUntil) })) : null,
    ),
    offer.activated
      ? h("div", {}, h("span", { class: "tag tag--ok" }, t("offers.isActive")), offer.promoCode ? h("p", {}, t("offers.promo"), " ", h("span", { class: "promo" }, offer.promoCode)) : null)
      : activateForm(ctx, offer),
  );
}

export function renderOffers(ctx, offers, problem) {
  const title = t("offers.title");
  // Loyalty down: the section keeps its place but shows only why it is empty.
  if (!offers) return card({ id: "offers", title, wide: true }, notice(problem || t("offers.unavailable")));
  if (offers.length === 0) return card({ id: "offers", title, wide: true }, h("p", { class: "muted" }, t("offers.none")));
  return card({ id: "offers", title, wide: true }, h("ul", { class: "list" }, offers.map((o) => item(ctx, o))));
}
