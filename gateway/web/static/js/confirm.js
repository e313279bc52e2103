// Asking before an action that is hard to undo (unlinking a number): a modal dialog with
// the question, what follows, and two buttons; the safe one (cancel) has the focus first.
import { h } from "./dom.js";
import { t } from "./i18n.js";

/** Resolves true when the person confirms, false on cancel or Esc. */
export function confirmAction({ title, text, confirm }) {
  return new Promise((resolve) => {
    let answer = false;
    const dialog = h("dialog", { "aria-labelledby": "confirm-title", "aria-describedby": "confirm-text", "data-confirm": "" });
    const cancel = h("button", { type: "button", class: "btn btn--ghost", onClick: () => dialog.close() }, t("common.cancel"));
    const yes = h("button", { type: "button", class: "btn btn--accent", onClick: () => {
      answer = true;
      dialog.close();
    } }, confirm);
    dialog.append(h("h2", { id: "confirm-title" }, title), h("p", { id: "confirm-text" }, text), h("div", { class: "row" }, cancel, yes));
    dialog.addEventListener("close", () => {
      dialog.remove();
      resolve(answer);
    });
    document.body.append(dialog);
    dialog.showModal();
    cancel.focus();
  });
}
