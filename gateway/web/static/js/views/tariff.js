// The tariff: what it includes, tuning minutes and GB of a configurable one (with the
// new fee computed from Tariff.options before anything is sent), comparing the tariffs
// on sale, and changing to one after previewTariffChange said what it costs. Tuning and
// changing are orders: their state shows once the screen is back.
import { h } from "../dom.js";
import { addAmounts, money, number, unit } from "../format.js";
import { field, form, runAction, submitButton } from "../forms.js";
import { t } from "../i18n.js";
import { describe } from "../errors.js";
import { ChangeTariff, ConfigureTariff, PreviewTariffChange } from "../operations.js";
import { card, notice } from "./card.js";

function allowanceText(allowances, kind) {
  const a = allowances.find((x) => x.kind === kind);
  if (!a) return "—";
  return a.unlimited ? t("quota.unlimited") : `${number(a.amount)} ${unit(a.unit)}`;
}

function allowanceList(tariff) {
  return h(
    "ul",
    { class: "list" },
    ["DATA", "VOICE", "SMS"].map((kind) =>
      h("li", {}, h("span", {}, t(`quota.${kind}`)), h("span", {}, allowanceText(tariff.allowances, kind))),
    ),
  );
}

/** The fee a configurable tariff would have with these minutes and GB. */
function configuredFee(options, minutes, gigabytes) {
  const m = options.minutes.find((o) => o.value === minutes);
  const g = options.gigabytes.find((o) => o.value === gigabytes);
  return { amount: addAmounts(options.baseFee.amount, m.price.amount, g.price.amount), currency: options.baseFee.currency };
}

function chosen(options, allowances, kind, list) {
  const current = allowances.find((a) => a.kind === kind)?.amount;
  return (list.find((o) => o.value === current) || list.find((o) => o.isDefault) || list[0]).value;
}

function configureForm(ctx, tariff) {
  const { options } = tariff;
  const minutes = chosen(options, tariff.allowances, "VOICE", options.minutes);
  const gigabytes = chosen(options, tariff.allowances, "DATA", options.gigabytes);
  const preview = h("p", { class: "notice notice--info", "aria-live": "polite", "data-fee-preview": "" });
  const node = form(
    {
      label: t("tariff.configure"),
      onSubmit: async (f) => {
        const payload = await runAction({
          api: ctx.api,
          formNode: f,
          operation: ConfigureTariff,
          field: "configureTariff",
          variables: { msisdn: ctx.msisdn, minutes: Number(f.elements.minutes.value), gigabytes: Number(f.elements.gigabytes.value) },
        });
        if (payload) ctx.afterOrder(payload, { section: "tariff", done: t("tariff.configured"), pending: t("tariff.configuring") });
      },
    },
    h("h3", {}, t("tariff.configure")),
    h(
      "div",
      { class: "row" },
      field({
        label: t("tariff.minutes"),
        name: "minutes",
        control: "select",
        options: options.minutes.map((o) => ({ value: o.value, label: `${number(o.value)} ${unit("min")} · ${money(o.price)}`, selected: o.value === minutes })),
      }),
      field({
        label: t("tariff.gigabytes"),
        name: "gigabytes",
        control: "select",
        options: options.gigabytes.map((o) => ({ value: o.value, label: `${number(o.value)} ${unit("GB")} · ${money(o.price)}`, selected: o.value === gigabytes })),
      }),
    ),
    preview,
    submitButton(t("tariff.apply")),
  );
  const update = () => {
    const fee = configuredFee(options, Number(node.elements.minutes.value), Number(node.elements.gigabytes.value));
    preview.dataset.amount = fee.amount;
    preview.textContent = t("tariff.feePreview", { fee: money(fee), now: money(tariff.monthlyFee) });
  };
  node.addEventListener("change", update);
  update();
  return node;
}

/** What the change costs, as previewTariffChange answered it. */
function previewList(preview) {
  const { currentMonthlyFee: now, newMonthlyFee: after, changeFee } = preview;
  const rows = [[t("tariff.feeNow"), now ? money(now) : "—"], [t("tariff.feeAfter"), money(after)]];
  if (now) {
    const diff = addAmounts(after.amount, `-${now.amount}`);
    const sign = Number(diff) > 0 ? "+" : "";
    rows.push([t("tariff.difference"), `${sign}${money({ amount: diff, currency: after.currency })}`]);
  }
  return h(
    "dl",
    { class: "preview", "data-change-preview": "", "data-change-fee": changeFee.amount },
    rows.map(([term, value]) => [h("dt", {}, term), h("dd", {}, value)]),
    h("dt", {}, t("tariff.changeFee")),
    h("dd", { "data-fee": "change" }, Number(changeFee.amount) > 0 ? money(changeFee) : t("tariff.noChangeFee")),
  );
}

/**
 * The confirmation dialog: it asks previewTariffChange what the switch costs (the monthly
 * fee now and after, and the one-time fee of the switch), and only then offers the change.
 */
function openChange(ctx, target) {
  const titleId = "change-title";
  const dialog = h("dialog", { "aria-labelledby": titleId, "aria-describedby": "change-preview" });
  const area = h("div", { id: "change-preview", "aria-live": "polite" }, h("p", { class: "muted" }, t("tariff.previewing")));
  const confirm = submitButton(t("tariff.change"), { disabled: true });
  const node = form(
    {
      label: t("tariff.changeTo", { name: target.name }),
      onSubmit: async (f) => {
        const payload = await runAction({
          api: ctx.api,
          formNode: f,
          operation: ChangeTariff,
          field: "changeTariff",
          variables: { msisdn: ctx.msisdn, tariffId: target.id },
        });
        if (payload) {
          dialog.close();
          const name = target.name;
          ctx.afterOrder(payload, { section: "tariff", done: t("tariff.changed", { name }), pending: t("tariff.changing", { name }) });
        }
      },
    },
    area,
    target.configurable ? h("p", { class: "muted" }, t("tariff.configurableNote")) : null,
    h(
      "div",
      { class: "row" },
      confirm,
      h("button", { type: "button", class: "btn btn--ghost", onClick: () => dialog.close() }, t("common.cancel")),
    ),
  );
  dialog.append(h("h2", { id: titleId }, t("tariff.changeTo", { name: target.name })), node);
  dialog.addEventListener("close", () => dialog.remove());
  document.body.append(dialog);
  dialog.showModal(); // modal: focus moves in, Esc closes, the page behind is inert

  async function preview() {
    let problem;
    try {
      const result = await ctx.api.one(PreviewTariffChange, { msisdn: ctx.msisdn, tariffId: target.id });
      const found = result.data?.previewTariffChange;
      if (found) {
        area.replaceChildren(previewList(found));
        confirm.disabled = false; // showModal() put the focus on Cancel: the safe choice stays first
        return;
      }
      problem = result.errors?.length ? describe(result.errors[0]) : t("tariff.previewFailed");
    } catch (error) {
      problem = describe(error);
    }
    area.replaceChildren(
      h("p", { class: "form-error", role: "alert" }, t("tariff.previewFailed"), " ", problem),
      h("button", { type: "button", class: "btn btn--ghost btn--small", onClick: () => {
        area.replaceChildren(h("p", { class: "muted" }, t("tariff.previewing")));
        preview();
      } }, t("common.retry")),
    );
  }
  preview();
}

function compareTable(ctx, current, tariffs) {
  return h(
    "div",
    { class: "table-wrap" },
    h(
      "table",
      // Explicit roles: the phone layout changes the cells' display, which must not cost
      // the table its semantics.
      { class: "compare", role: "table" },
      h("caption", { class: "visually-hidden" }, t("tariff.compare")),
      h(
        "thead",
        {},
        h(
          "tr",
          { role: "row" },
          [t("tariff.name"), t("tariff.fee"), t("quota.DATA"), t("quota.VOICE"), t("quota.SMS")].map((x) =>
            h("th", { scope: "col", role: "columnheader" }, x),
          ),
          // The buttons' column: named for screen readers, blank to the eye.
          h("th", { scope: "col", role: "columnheader" }, h("span", { class: "visually-hidden" }, t("tariff.action"))),
        ),
      ),
      h(
        "tbody",
        {},
        tariffs.map((tariff) => {
          const isCurrent = current && tariff.id === current.id;
          // The subscriber's own row says what the subscriber has (a tuned tariff's fee,
          // minutes and GB), as the tariff card above does, not the catalogue's base offer.
          const shown = isCurrent ? current : tariff;
          return h(
            "tr",
            { role: "row", "aria-current": isCurrent ? "true" : undefined, "data-tariff": tariff.id },
            h("th", { scope: "row", role: "rowheader" }, tariff.name),
            // data-label: on a phone each row is a card, every value under its header.
            h("td", { role: "cell", "data-col": "fee", "data-label": t("tariff.fee") }, money(shown.monthlyFee)),
            h("td", { role: "cell", "data-col": "DATA", "data-label": t("quota.DATA") }, allowanceText(shown.allowances, "DATA")),
            h("td", { role: "cell", "data-col": "VOICE", "data-label": t("quota.VOICE") }, allowanceText(shown.allowances, "VOICE")),
            h("td", { role: "cell", "data-col": "SMS", "data-label": t("quota.SMS") }, allowanceText(shown.allowances, "SMS")),
            h(
              "td",
              { role: "cell", class: "compare__action" },
              isCurrent || !current
                ? h("span", { class: "tag tag--accent" }, isCurrent ? t("tariff.current") : "")
                : h(
                    "button",
                    { type: "button", class: "btn btn--ghost btn--small", "aria-label": t("tariff.chooseNamed", { name: tariff.name }), onClick: () => openChange(ctx, tariff) },
                    t("tariff.choose"),
                  ),
            ),
          );
        }),
      ),
    ),
  );
}

export function renderTariff(ctx, tariff, problem, catalog) {
  const title = t("tariff.title");
  const parts = [];
  if (tariff) {
    parts.push(
      h("p", { class: "list__title", "data-tariff-name": "" }, tariff.name, " · ", t("tariff.perMonth", { fee: money(tariff.monthlyFee) })),
      tariff.description ? h("p", { class: "muted" }, tariff.description) : null,
      allowanceList(tariff),
    );
    if (tariff.configurable && tariff.options) parts.push(configureForm(ctx, tariff));
  } else {
    parts.push(notice(problem || t("tariff.unavailable")));
  }
  if (catalog?.length) parts.push(h("h3", {}, t("tariff.compare")), compareTable(ctx, tariff, catalog));
  return card({ id: "tariff", title, wide: true }, ...parts);
}
