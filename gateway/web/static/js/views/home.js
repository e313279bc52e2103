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
import { renderPassword } from "./password.js";
import { renderServices } from "./services.js";
import { renderShare } from "./share.js";
import { renderStatement } from "./statement.js";
import { renderSupport } from "./support.js";
import { renderTariff } from "./tariff.js";
import { renderAutopay, renderTopUp } from "./topup.js";
import { DEFAULT_SCREEN, SCREENS } from "../screens.js";

// The saved cards last seen per number (this tab's sessionStorage, so a reload keeps them).
// Cards come from billing's payment methods; while billing is down, or its breaker is still
// open just after it came back, the answer has none, yet the cards have not gone anywhere:
// the page keeps showing the last ones it saw (masked names and ids, nothing secret).
const CARDS_KEY = "tgw.cards";

function keptCards(msisdn, cards) {
  let kept = {};
  try {
    kept = JSON.parse(sessionStorage.getItem(CARDS_KEY) || "{}");
  } catch {
    kept = {};
  }
  if (cards) {
    kept[msisdn] = cards;
    sessionStorage.setItem(CARDS_KEY, JSON.stringify(kept));
    return cards;
  }
  return kept[msisdn] ?? null;
}

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
 * @param ctx {api, config, msisdn (viewed), owner, screen, reload, switchTo, openSection}
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
    ctx.openSection("topup", "input[name=amount]");
  };
  const cards = keptCards(ctx.msisdn, subscriber.savedCards ?? null);
  const cardsProblem = cards === null ? at("savedCards", "topup.cardsUnavailable") : null;
  const sections = {
    balance: () => {
      balanceCard = renderBalance(subscriber.balance, at("balance", "balance.unavailable"), focusTopUp);
      return balanceCard;
    },
    expenses: () => renderDeferred(ctx, home, "expenses"),
    topup: () => renderTopUp(ctx, cards, cardsProblem, onNewBalance),
    tariff: () => renderTariff(ctx, subscriber.tariff, at("tariff", "tariff.unavailable"), sale?.tariffs),
    services: () => renderServices(ctx, subscriber.services, at("services", "services.unavailable"), sale?.serviceCatalog, subscriber.orders),
    packages: () => renderPackages(ctx, sale?.packages, saleProblem, subscriber.tariff),
    orders: () => renderOrders(subscriber.orders, at("orders", "orders.unavailable")),
    offers: () => renderDeferred(ctx, home, "offers"),
    autopay: () => renderAutopay(ctx, subscriber.autopay, at("autopay", "autopay.unavailable"), cards, cardsProblem),
    share: () => renderShare(ctx, me),
    numbers: () => numbers,
    statement: () => renderStatement(ctx),
    support: () => renderSupport(ctx, support),
    password: () => renderPassword(ctx),
  };
  const shown = SCREENS[ctx.screen] ?? SCREENS[DEFAULT_SCREEN];
  return [head, h("div", { class: "grid" }, shown.map((id) => sections[id]()))];
}
