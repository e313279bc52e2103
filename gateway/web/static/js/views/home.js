// The home screen: one batched request of the operations the screen needs, and beside it
// the number's own data in parts (spending and offers deferred), then each section drawn
// from what came back, the deferred ones filled in as they arrive. A failed part hides only its own section, with a
// sentence saying why; the rest of the screen renders as usual.
import { h } from "../dom.js";
import { describe, isBackendProblem } from "../errors.js";
import { money, msisdn as showMsisdn } from "../format.js";
import { t } from "../i18n.js";
import { Account, Catalog, HomeScreen, SupportConversation } from "../operations.js";
import { renderBalance } from "./balance.js";
import { notice, problemAt, skeleton } from "./card.js";
import { renderExpenses } from "./expenses.js";
import { renderNumbers } from "./numbers.js";
import { renderOffers } from "./offers.js";
import { renderOrders } from "./orders.js";
import { renderPackages } from "./packages.js";
import { renderServices } from "./services.js";
import { renderShare } from "./share.js";
import { renderStatement } from "./statement.js";
import { renderSupport } from "./support.js";
import { renderTariff } from "./tariff.js";
import { renderAutopay, renderTopUp } from "./topup.js";

/**
 * The screen's batched operations. HomeScreen goes on its own, in parts (homeInParts):
 * renderHome reads [Account, HomeScreen, Catalog, SupportConversation].
 */
export function homeCalls(msisdn) {
  return [{ operation: Account }, { operation: Catalog }, { operation: SupportConversation, variables: { msisdn } }];
}

export const homeInParts = (msisdn) => ({ operation: HomeScreen, variables: { msisdn } });

/** The sections whose data HomeScreen defers, by id (the field's name). */
export const DEFERRED_SECTIONS = ["expenses", "offers"];

/**
 * A deferred section drawn from the answer so far: a skeleton while its part has not
 * come (the field is absent, not null), the section itself once it has.
 */
export function renderDeferred(ctx, home, id) {
  const subscriber = home?.data?.subscriber;
  if (subscriber?.[id] === undefined) {
    return id === "offers" ? skeleton({ id, title: t("offers.title"), wide: true }) : skeleton({ id, title: t("expenses.title") });
  }
  if (id === "offers") return renderOffers(ctx, subscriber.offers, problemAt(home, ["subscriber", "offers"], "offers.unavailable"));
  return renderExpenses(subscriber.expenses, problemAt(home, ["subscriber", "expenses"], "expenses.unavailable"));
}

/** Why an operation of the batch brought nothing, or null when it did. */
function operationProblem(result, unavailableKey) {
  const error = result?.errors?.[0];
  if (!error) return null;
  return isBackendProblem(error) ? t(unavailableKey) : describe(error);
}

function heading(ctx, subscriber, account) {
  const link = account?.linkedNumbers?.find((l) => l.msisdn === ctx.msisdn);
  const own = ctx.msisdn === ctx.owner;
  return h(
    "div",
    { class: "screen-head" },
    h("h1", { tabindex: "-1", "data-viewing": ctx.msisdn }, own ? subscriber?.name || t("home.myNumber") : link?.alias || showMsisdn(ctx.msisdn)),
    h("p", { class: "muted" }, showMsisdn(ctx.msisdn), subscriber?.region ? ` · ${subscriber.region}` : ""),
    own ? null : h("span", { class: "tag tag--accent" }, t("home.linkedView")),
  );
}

/**
 * @param ctx {api, config, msisdn (viewed), owner, reload, switchTo}
 * @param results the answers of homeCalls(ctx.msisdn), in order
 * @returns the screen's nodes
 */
export function renderHome(ctx, results) {
  const [account, home, catalog, support] = results;
  const me = account?.data?.me ?? null;
  const subscriber = home?.data?.subscriber ?? null;
  const head = heading(ctx, subscriber, me);
  const numbers = renderNumbers(ctx, me, problemAt(account, ["me"], "numbers.unavailable") || operationProblem(account, "numbers.unavailable"));
  if (!subscriber) {
    // Nothing about this number came (no access any more, say): the way back stays.
    return [head, notice(home?.errors?.length ? describe(home.errors[0]) : t("home.unavailable")), h("div", { class: "grid" }, numbers)];
  }
  const at = (field, key) => problemAt(home, ["subscriber", field], key);
  const sale = catalog?.data ?? null;
  const saleProblem = operationProblem(catalog, "catalog.unavailable");
  let balanceCard = null;
  const onNewBalance = (balance) => {
    // The top-up's answer carries the new money balance: show it before the reload lands.
    const amount = balanceCard?.querySelector("[data-amount]");
    if (amount && balance?.money) {
      amount.dataset.amount = balance.money.amount;
      amount.textContent = money(balance.money);
    }
  };
  const focusTopUp = (event) => {
    event.preventDefault();
    document.querySelector("#topup input[name=amount]")?.focus();
  };
  const cards = subscriber.savedCards ?? null;
  const cardsProblem = at("savedCards", "topup.cardsUnavailable");
  balanceCard = renderBalance(subscriber.balance, at("balance", "balance.unavailable"), focusTopUp);
  return [
    head,
    h(
      "div",
      { class: "grid" },
      balanceCard,
      renderDeferred(ctx, home, "expenses"),
      renderTopUp(ctx, cards, cardsProblem, onNewBalance),
      renderTariff(ctx, subscriber.tariff, at("tariff", "tariff.unavailable"), sale?.tariffs),
      renderServices(ctx, subscriber.services, at("services", "services.unavailable"), sale?.serviceCatalog, subscriber.orders),
      renderPackages(ctx, sale?.packages, saleProblem, subscriber.tariff),
      renderOrders(subscriber.orders, at("orders", "orders.unavailable")),
      renderDeferred(ctx, home, "offers"),
      renderAutopay(ctx, subscriber.autopay, at("autopay", "autopay.unavailable"), cards, cardsProblem),
      renderShare(ctx, me),
      numbers,
      renderStatement(ctx),
      renderSupport(ctx, support),
    ),
  ];
}
