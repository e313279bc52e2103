// Giving gigabytes of the number's quota to another number of the operator (whole GB,
// 1 to 30 at a time: the billing rule, checked again by the server). The owner's other
// numbers are offered as suggestions; any number of the operator will do.
import { h, uid } from "../dom.js";
import { msisdn as showMsisdn, toE164 } from "../format.js";
import { field, form, runAction, showErrors, submitButton } from "../forms.js";
import { t } from "../i18n.js";
import { ShareData } from "../operations.js";
import { card } from "./card.js";

/** The numbers of this account other than the one giving. */
function ownNumbers(ctx, account) {
  const mine = [ctx.owner, ...(account?.linkedNumbers || []).filter((l) => l.status === "CONFIRMED").map((l) => l.msisdn)];
  return mine.filter((m) => m && m !== ctx.msisdn);
}

export function renderShare(ctx, account) {
  const listId = uid("own-numbers");
  const suggestions = ownNumbers(ctx, account);
  return card(
    { id: "share", title: t("share.title") },
    form(
      {
        label: t("share.title"),
        onSubmit: async (f) => {
          const typed = f.elements.gigabytes.value.trim();
          const gigabytes = Number(typed);
          if (!/^\d{1,2}$/.test(typed) || gigabytes < 1) {
            showErrors(f, [{ field: "gigabytes", text: t("share.badGigabytes") }]);
            return;
          }
          const toMsisdn = f.elements.toMsisdn.value.trim();
          const payload = await runAction({
            api: ctx.api,
            formNode: f,
            operation: ShareData,
            field: "shareData",
            variables: { msisdn: ctx.msisdn, toMsisdn, gigabytes },
            // A number the Msisdn scalar cannot read is refused before the action runs.
            errorFields: { BAD_USER_INPUT: "toMsisdn" },
          });
          if (payload) {
            f.reset();
            ctx.reload({ notice: { section: "share", text: t("share.done", { gb: gigabytes, to: showMsisdn(toE164(toMsisdn) || toMsisdn) }) } });
          }
        },
      },
      field({ label: t("share.recipient"), name: "toMsisdn", type: "tel", inputmode: "tel", autocomplete: "off", placeholder: "+7 900 000-00-00", list: suggestions.length ? listId : undefined }),
      suggestions.length ? h("datalist", { id: listId }, suggestions.map((m) => h("option", { value: m }, showMsisdn(m)))) : null,
      field({ label: t("share.gigabytes"), name: "gigabytes", type: "number", min: "1", max: "30", step: "1", value: "1", inputmode: "numeric" }),
      submitButton(t("share.submit")),
    ),
  );
}
