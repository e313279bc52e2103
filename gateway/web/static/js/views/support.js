// The support chat is not built yet (there is no chat in schema.graphql): the section says
// so plainly, and sends nothing.
import { t } from "../i18n.js";
import { card, notice } from "./card.js";

export function renderSupport() {
  return card({ id: "support", title: t("support.title") }, notice(t("support.comingSoon"), "notice--info"));
}
