// Ordering a detailed statement (детализация) by e-mail, PDF or XLSX, for a period of the
// last six months; the billing sends it when it is ready.
import { h } from "../dom.js";
import { isoDay } from "../format.js";
import { clearErrors, field, form, runAction, showErrors, submitButton } from "../forms.js";
import { t } from "../i18n.js";
import { announce } from "../notices.js";
import { OrderStatement } from "../operations.js";
import { card } from "./card.js";

export function renderStatement(ctx) {
  const today = new Date();
  const monthStart = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), 1));
  const earliest = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth() - 6, 1));
  const done = h("p", { class: "notice notice--ok", "data-statement-done": "", "data-done": "", hidden: true });
  return card(
    { id: "statement", title: t("statement.title") },
    done,
    form(
      {
        label: t("statement.title"),
        onSubmit: async (f) => {
          done.hidden = true;
          clearErrors(f);
          const missing = ["from", "to"].filter((name) => !f.elements[name].value);
          if (missing.length) {
            showErrors(f, missing.map((name) => ({ field: name, text: t("statement.badDate") })));
            return;
          }
          const email = f.elements.email.value.trim();
          const payload = await runAction({
            api: ctx.api,
            formNode: f,
            operation: OrderStatement,
            field: "orderStatement",
            variables: { msisdn: ctx.msisdn, from: f.elements.from.value, to: f.elements.to.value, email, format: f.elements.format.value },
          });
          if (payload) {
            const text = t(payload.state === "done" ? "statement.sent" : "statement.ordered", { email });
            done.textContent = text;
            done.hidden = false;
            announce(text);
          }
        },
      },
      field({ label: t("statement.from"), name: "from", type: "date", value: isoDay(monthStart), min: isoDay(earliest), max: isoDay(today) }),
      field({ label: t("statement.to"), name: "to", type: "date", value: isoDay(today), min: isoDay(earliest), max: isoDay(today) }),
      field({ label: t("statement.email"), name: "email", type: "email", autocomplete: "email" }),
      field({
        label: t("statement.format"),
        name: "format",
        control: "select",
        options: [
          { value: "PDF", label: "PDF", selected: true },
          { value: "XLSX", label: "Excel (XLSX)" },
        ],
      }),
      submitButton(t("statement.submit")),
    ),
  );
}
