// The number's product orders, newest first: what was asked (connect a service, switch
// tariff, a package) and where it got to. Orders run asynchronously, so this is where a
// change that is still being carried out shows.
import { h } from "../dom.js";
import { date } from "../format.js";
import { t } from "../i18n.js";
import { isFinal } from "../orders.js";
import { card, notice } from "./card.js";

const SHOWN = 5;

/** A failure reason the page knows (a user error code) in words; anything else as it came. */
function reason(text) {
  const key = `uerr.${text}`;
  const known = t(key);
  return known === key ? text : known;
}

function itemText(item) {
  const key = `orders.action.${item.action}`;
  const action = t(key);
  return t("orders.item", { action: action === key ? item.action : action, name: item.name || item.offeringId });
}

function stateTag(order) {
  const cls = order.state === "COMPLETED" ? "tag tag--ok" : isFinal(order.state) ? "tag tag--bad" : "tag tag--accent";
  const key = `orderState.${order.state}`;
  const text = t(key);
  return h("span", { class: cls, "data-order-state": order.state }, text === key ? order.state : text);
}

/** @param orders Subscriber.orders, or null with `problem` saying why. */
export function renderOrders(orders, problem) {
  const title = t("orders.title");
  if (!orders) return card({ id: "orders", title }, notice(problem || t("orders.unavailable")));
  if (orders.length === 0) return card({ id: "orders", title }, h("p", { class: "muted" }, t("orders.none")));
  const newest = [...orders].sort((a, b) => String(b.orderedAt || "").localeCompare(String(a.orderedAt || ""))).slice(0, SHOWN);
  return card(
    { id: "orders", title },
    h(
      "ul",
      { class: "list" },
      newest.map((order) =>
        h(
          "li",
          { "data-order": order.id },
          h(
            "div",
            { class: "list__main" },
            order.items.map((item) => h("div", { class: "list__title" }, itemText(item))),
            h("div", { class: "muted" }, order.orderedAt ? date(order.orderedAt) : "", order.failureReason ? ` · ${reason(order.failureReason)}` : ""),
          ),
          stateTag(order),
        ),
      ),
    ),
  );
}
