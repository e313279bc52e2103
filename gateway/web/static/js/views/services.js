// Services: the connected ones (with disconnect) and the rest of the catalogue (with
// connect). Each button is its own small form, so its error shows right beside it.
// Connecting and disconnecting are orders: the state shows once the screen is back.
import { h } from "../dom.js";
import { money } from "../format.js";
import { form, runAction } from "../forms.js";
import { t } from "../i18n.js";
import { ConnectService, DisconnectService } from "../operations.js";
import { isFinal } from "../orders.js";
import { card, notice } from "./card.js";

function actionForm(ctx, service, connect) {
  return form(
    {
      class: "row",
      onSubmit: async (f) => {
        const payload = await runAction({
          api: ctx.api,
          formNode: f,
          operation: connect ? ConnectService : DisconnectService,
          field: connect ? "connectService" : "disconnectService",
          variables: { msisdn: ctx.msisdn, serviceId: service.id },
        });
        if (payload) {
          const done = t(connect ? "services.connected" : "services.disconnected", { name: service.name });
          const pending = t(connect ? "services.connecting" : "services.disconnecting", { name: service.name });
          ctx.afterOrder(payload, { section: "services", done, pending });
        }
      },
    },
    h(
      "button",
      { type: "submit", class: connect ? "btn btn--accent btn--small" : "btn btn--ghost btn--small", "aria-label": t(connect ? "services.connectNamed" : "services.disconnectNamed", { name: service.name }) },
      t(connect ? "services.connect" : "services.disconnect"),
    ),
  );
}

function item(ctx, service, connected) {
  const status = connected ? service.status : null;
  return h(
    "li",
    { "data-service": service.id, "data-status": status || undefined },
    h(
      "div",
      { class: "list__main" },
      h("div", { class: "list__title" }, service.name, " ", status ? h("span", { class: status === "ACTIVE" ? "tag tag--ok" : "tag" }, t(`status.${status}`)) : null),
      service.description ? h("div", { class: "muted" }, service.description) : null,
      h("div", { class: "muted" }, service.fee && Number(service.fee.amount) > 0 ? t("services.fee", { fee: money(service.fee) }) : t("services.free")),
    ),
    // A service already on its way in or out takes no second order.
    !connected || status === "ACTIVE" ? actionForm(ctx, service, !connected) : null,
  );
}

/** Services with an order still running, by what it does: {add: Set, delete: Set}. */
function inFlight(orders) {
  const found = { add: new Set(), delete: new Set() };
  for (const order of orders || []) {
    if (isFinal(order.state)) continue;
    for (const item of order.items) found[item.action]?.add(item.offeringId);
  }
  return found;
}

/**
 * @param services Subscriber.services (null with `problem` when they could not be had)
 * @param catalog Query.serviceCatalog
 * @param orders Subscriber.orders: a service whose order still runs shows as on its way
 *   in or out (an order is carried out asynchronously: the product may not exist yet).
 */
export function renderServices(ctx, services, problem, catalog, orders) {
  const title = t("services.title");
  if (!services) return card({ id: "services", title }, notice(problem || t("services.unavailable")));
  const running = inFlight(orders);
  const connectedIds = new Set(services.map((s) => s.id));
  const mine = [
    ...services.map((s) => (running.delete.has(s.id) && s.status === "ACTIVE" ? { ...s, status: "DISCONNECTING" } : s)),
    ...(catalog || []).filter((s) => running.add.has(s.id) && !connectedIds.has(s.id)).map((s) => ({ ...s, status: "PENDING" })),
  ];
  const mineIds = new Set(mine.map((s) => s.id));
  const available = (catalog || []).filter((s) => !mineIds.has(s.id));
  return card(
    { id: "services", title },
    h("h3", {}, t("services.mine")),
    mine.length ? h("ul", { class: "list", "data-list": "connected" }, mine.map((s) => item(ctx, s, true))) : h("p", { class: "muted" }, t("services.noneConnected")),
    available.length
      ? [h("h3", {}, t("services.available")), h("p", { class: "muted" }, t("services.tariffNote")), h("ul", { class: "list", "data-list": "available" }, available.map((s) => item(ctx, s, false)))]
      : null,
  );
}
