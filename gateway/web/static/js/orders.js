// Product orders (TMF622): connecting a service, changing the tariff, buying a package.
// The gateway answers an order's id and state at once; the order itself may still run.
import { t } from "./i18n.js";

const FINAL = new Set(["COMPLETED", "FAILED", "CANCELLED", "REJECTED", "PARTIAL"]);

/** Whether the order is done with, one way or the other. */
export function isFinal(state) {
  return FINAL.has(state);
}

/** "Выполнено." / "Заявка выполняется." -- the state in a sentence, or "" when unknown. */
export function orderText(state) {
  if (!state) return "";
  const key = `orderState.${state}`;
  const text = t(key);
  return text === key ? state : t("orders.stateSentence", { state: text });
}
