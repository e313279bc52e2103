// Spending by category this month, as bars scaled to the largest category. Drawn with
// CSS (no chart library); each row says its amount in text, the bar only repeats it.
import { h } from "../dom.js";
import { addAmounts, money } from "../format.js";
import { t } from "../i18n.js";
import { card, notice } from "./card.js";

export function renderExpenses(expenses, problem) {
  const title = t("expenses.title");
  if (!expenses) return card({ id: "expenses", title }, notice(problem || t("expenses.unavailable")));
  if (expenses.length === 0) return card({ id: "expenses", title }, h("p", { class: "muted" }, t("expenses.none")));
  const top = Math.max(...expenses.map((e) => Number(e.amount.amount)), 0.01);
  const currency = expenses[0].amount.currency;
  const total = addAmounts(...expenses.map((e) => e.amount.amount));
  return card(
    { id: "expenses", title },
    h("p", { class: "muted" }, t("expenses.total", { amount: money({ amount: total, currency }) })),
    h(
      "ul",
      { class: "bars chart" },
      expenses.map((e, i) => {
        const label = t(`category.${e.category}`);
        return h(
          "li",
          { class: "bar", "data-category": e.category, "data-amount": e.amount.amount },
          h("div", { class: "bar__label" }, h("span", {}, label.startsWith("category.") ? e.category : label), h("span", {}, money(e.amount))),
          h(
            "div",
            { class: "bar__track", "aria-hidden": "true" },
            h("div", {
              class: `bar__fill${i === 0 ? " bar__fill--top" : ""}`,
              style: { width: `${((Number(e.amount.amount) / top) * 100).toFixed(1)}%` },
            }),
          ),
        );
      }),
    ),
  );
}
