// Money left, the next charge, and minutes/GB/SMS left drawn as bars.
import { h } from "../dom.js";
import { date, dateTime, money, number, unit } from "../format.js";
import { t } from "../i18n.js";
import { card, notice } from "./card.js";

const KIND_ORDER = { DATA: 0, VOICE: 1, SMS: 2 };

function quotaBar(quota, showUntil) {
  // A package's bucket (it ends on a day of its own) is named after the package, so two
  // «Интернет» bars do not stand side by side.
  const label = showUntil && quota.name ? t("quota.package", { name: quota.name }) : t(`quota.${quota.kind}`);
  let text;
  let fill;
  if (quota.unlimited) {
    text = t("quota.unlimited");
    fill = h("div", { class: "bar__fill bar__fill--unlimited" });
  } else if (quota.total) {
    text = t("quota.leftOf", { left: number(quota.remaining), total: number(quota.total), unit: unit(quota.unit) });
    const share = Math.max(0, Math.min(1, quota.remaining / quota.total));
    fill = h("div", { class: "bar__fill", style: { width: `${(share * 100).toFixed(1)}%` } });
  } else {
    // No total (SigScale OCS buckets say only what remains): no bar to draw honestly.
    text = t("quota.left", { left: number(quota.remaining), unit: unit(quota.unit) });
    fill = null;
  }
  return h(
    "li",
    { class: "bar", "data-quota": quota.kind, "data-package": showUntil && quota.name ? quota.name : undefined, "data-remaining": quota.unlimited ? undefined : String(quota.remaining) },
    h("div", { class: "bar__label" }, h("span", {}, label), h("span", { "data-quota-text": "" }, text)),
    fill ? h("div", { class: "bar__track", "aria-hidden": "true" }, fill) : null,
    showUntil && quota.validUntil ? h("span", { class: "muted" }, t("quota.until", { date: date(quota.validUntil) })) : null,
  );
}

/** @param balance Balance or null; @param problem the sentence when it is missing. */
export function renderBalance(balance, problem, onTopUp) {
  if (!balance) return card({ id: "balance", title: t("balance.title") }, notice(problem || t("balance.unavailable")));
  const amount = balance.money.amount;
  const quotas = [...balance.quotas].sort((a, b) => KIND_ORDER[a.kind] - KIND_ORDER[b.kind]);
  const mainEnd = balance.nextChargeAt;
  return card(
    { id: "balance", title: t("balance.title") },
    h(
      "p",
      { class: `balance__amount${amount.startsWith("-") ? " balance__amount--negative" : ""}`, "data-amount": amount },
      money(balance.money),
    ),
    balance.stale ? h("p", { class: "notice", "data-notice": "", "data-stale": "" }, t("balance.stale", { date: dateTime(balance.updatedAt) })) : null,
    balance.nextChargeAt
      ? h("p", { class: "muted", "data-next-charge": "" }, t("balance.nextCharge", { amount: money(balance.nextChargeAmount), date: date(balance.nextChargeAt) }))
      : null,
    quotas.length
      ? h("ul", { class: "bars", "aria-label": t("balance.quotas") }, quotas.map((q) => quotaBar(q, q.validUntil && q.validUntil !== mainEnd)))
      : h("p", { class: "muted" }, t("balance.noQuotas")),
    h("p", {}, h("a", { href: "#topup", class: "btn btn--accent", onClick: onTopUp }, t("balance.topUp"))),
  );
}
