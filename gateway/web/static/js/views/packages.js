// Traffic packages on sale (+1 ГБ, +5 ГБ...), each with its buy button. Buying one is an
// order; the package then shows as a quota of its own in the balance.
import { h } from "../dom.js";
import { money, number, unit } from "../format.js";
import { form, runAction } from "../forms.js";
import { t } from "../i18n.js";
import { AddPackage } from "../operations.js";
import { card, notice } from "./card.js";

function buyForm(ctx, pack) {
  return form(
    {
      class: "row",
      onSubmit: async (f) => {
        const payload = await runAction({ api: ctx.api, formNode: f, operation: AddPackage, field: "addPackage", variables: { msisdn: ctx.msisdn, packageId: pack.id } });
        if (payload) ctx.afterOrder(payload, { section: "packages", done: t("packages.added", { name: pack.name }), pending: t("packages.adding", { name: pack.name }) });
      },
    },
    h("button", { type: "submit", class: "btn btn--accent btn--small", "aria-label": t("packages.buyNamed", { name: pack.name, price: money(pack.price) }) }, t("packages.buy")),
  );
}

function what(pack) {
  return pack.adds
    .map((a) => (a.unlimited ? `${t(`quota.${a.kind}`)}: ${t("quota.unlimited")}` : `+${number(a.amount)} ${unit(a.unit)}`))
    .join(" · ");
}

/** Whether a package adds anything on this tariff: only a data allowance that can run out grows. */
function takesPackages(tariff) {
  return Boolean(tariff?.allowances?.some((a) => a.kind === "DATA" && !a.unlimited));
}

/** @param packs Query.packages (null with `problem` when the catalogue could not be had). */
export function renderPackages(ctx, packs, problem, tariff) {
  const title = t("packages.title");
  if (!packs) return card({ id: "packages", title }, notice(problem || t("packages.unavailable")));
  if (packs.length === 0) return card({ id: "packages", title }, h("p", { class: "muted" }, t("packages.none")));
  const buyable = takesPackages(tariff);
  return card(
    { id: "packages", title },
    tariff && !buyable ? h("p", { class: "muted" }, t("packages.notOnTariff")) : null,
    h(
      "ul",
      { class: "list" },
      packs.map((p) =>
        h(
          "li",
          { "data-package": p.id },
          h(
            "div",
            { class: "list__main" },
            h("div", { class: "list__title" }, p.name, " · ", money(p.price)),
            h("div", { class: "muted" }, p.description || what(p)),
          ),
          buyable ? buyForm(ctx, p) : null,
        ),
      ),
    ),
  );
}
