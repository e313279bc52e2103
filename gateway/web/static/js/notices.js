// The page-wide live regions of index.html: `role=alert` for failures that belong to no
// field, `role=status` for quiet confirmations ("Номер привязан").
import { h, replaceChildren } from "./dom.js";

export function alertPage(text) {
  const region = document.getElementById("page-alerts");
  replaceChildren(region, text ? h("p", { class: "form-error" }, text) : null);
}

export function clearAlert() {
  alertPage(null);
}

export function announce(text) {
  const region = document.getElementById("page-status");
  // Emptied first so that the same sentence twice is announced twice.
  region.textContent = "";
  requestAnimationFrame(() => {
    region.textContent = text;
  });
}
