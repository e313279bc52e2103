// The page's entry point: reads the config, then shows either the login or the home
// screen, and owns what they share -- the session, the number being viewed, the language.
import { createApi } from "./api.js";
import { loadConfig } from "./config.js";
import { h, replaceChildren } from "./dom.js";
import { describe } from "./errors.js";
import { msisdn as showMsisdn } from "./format.js";
import { hasCode } from "./graphql.js";
import { lang, onLangChange, setLang, t, translateStatic } from "./i18n.js";
import { alertPage, announce, clearAlert } from "./notices.js";
import { LogOut, Orders } from "./operations.js";
import { isFinal, orderText } from "./orders.js";
import { DEFERRED_SECTIONS, homeCalls, homeInParts, renderDeferred, renderHome } from "./views/home.js";
import { renderLogin } from "./views/login.js";
import { stopSupportChat } from "./views/support.js";
import { DEFAULT_SCREEN, SCREEN_NAMES, addressOf, fromLocation, screenOf } from "./screens.js";

const VIEWING_KEY = "tgw.viewing";
const main = document.getElementById("main");
const tools = document.getElementById("topbar-tools");
const langButton = document.getElementById("lang-switch");
const nav = document.getElementById("sections");

let config = { demo: false };
let screen = null; // "login" | "home"
let loginMessage = null;
let lastResults = null;
let viewing = null;
let section = DEFAULT_SCREEN; // the screen of the cabinet on show (screens.js)
let watch = 0; // bumped to stop following an order (another number, log-out)
let loads = 0; // bumped by each screen load: late parts of an older one are dropped

// An order still running is asked about this often, this many times, then left to the
// orders list (the next screen load shows where it got to).
const WATCH_EVERY_MS = 1000;
const WATCH_TRIES = 30;

const api = createApi({
  onSessionExpired: () => showLogin(t("login.expired")),
});

function setBusy(busy) {
  main.setAttribute("aria-busy", String(busy));
}

function showLogin(message = null) {
  screen = "login";
  watch += 1;
  stopSupportChat();
  loginMessage = message;
  lastResults = null;
  viewing = null;
  sessionStorage.removeItem(VIEWING_KEY);
  sessionStorage.removeItem("tgw.cards"); // the saved cards kept by views/home.js
  replaceChildren(tools);
  replaceChildren(nav);
  nav.hidden = true;
  clearAlert();
  const view = renderLogin({ api, config, message, onLoggedIn });
  replaceChildren(main, view);
  view.querySelector("input")?.focus();
}

function onLoggedIn(payload) {
  api.session.start(payload);
  announce(t("login.welcome"));
  // A link to a screen (or a reload after the session ended) opens that screen now.
  const asked = fromLocation();
  section = asked.screen;
  const owner = payload.subscriber.msisdn;
  showNumber(asked.msisdn || owner, { focusHeading: true });
  history.replaceState({ screen: section, msisdn: viewing }, "", addressOf(section, viewing, owner));
}

/** Shows `msisdn` on the current screen, as a new entry of the browser's history. */
function switchTo(msisdn) {
  showNumber(msisdn, { focusHeading: true });
  history.pushState({ screen: section, msisdn }, "", addressOf(section, msisdn, api.session.msisdn));
}

function showNumber(msisdn, options = {}) {
  watch += 1;
  stopSupportChat(); // the chat's live connection is the number's: a new one for the next
  viewing = msisdn;
  sessionStorage.setItem(VIEWING_KEY, msisdn);
  return showHome(options);
}

/** Another screen for the same number: drawn from what is here, as a new history entry. */
function openScreen(name, { push = true, focus = null } = {}) {
  section = name;
  if (push) history.pushState({ screen: name, msisdn: viewing }, "", addressOf(name, viewing, api.session.msisdn));
  if (lastResults) draw(lastResults, { focusHeading: !focus });
  else showHome({ focusHeading: !focus });
  if (focus) document.querySelector(focus)?.focus();
}

/** Opens the screen that has `id` and puts the focus on `selector` inside it. */
function openSection(id, selector) {
  const target = `#${id} ${selector}`;
  if (screenOf(id) === section && document.querySelector(target)) document.querySelector(target).focus();
  else openScreen(screenOf(id), { focus: target });
}

function renderNav() {
  nav.hidden = false;
  const links = SCREEN_NAMES.map((name) =>
    h(
      "li",
      {},
      h(
        "a",
        {
          href: addressOf(name, viewing, api.session.msisdn),
          class: "sections__link",
          "data-screen": name,
          "aria-current": name === section ? "page" : undefined,
          onClick: (event) => {
            if (event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) return;
            event.preventDefault();
            if (name !== section) openScreen(name);
          },
        },
        h("span", { class: `sections__icon sections__icon--${name}`, "aria-hidden": "true" }),
        t(`screen.${name}`),
      ),
    ),
  );
  replaceChildren(nav, h("ul", { class: "sections__list" }, links));
  nav.setAttribute("aria-label", t("screen.nav"));
}

function renderTools(results) {
  const me = results[0]?.data?.me;
  const owner = api.session.msisdn;
  const confirmed = (me?.linkedNumbers || []).filter((l) => l.status === "CONFIRMED");
  const nodes = [];
  if (confirmed.length) {
    const select = h(
      "select",
      { id: "number-switch", onChange: (event) => switchTo(event.target.value) },
      h("option", { value: owner, selected: viewing === owner }, t("home.myNumberShort", { msisdn: showMsisdn(owner) })),
      confirmed.map((l) => h("option", { value: l.msisdn, selected: viewing === l.msisdn }, `${l.alias || ""} ${showMsisdn(l.msisdn)}`.trim())),
    );
    nodes.push(h("label", { for: "number-switch" }, t("home.number")), select);
  }
  nodes.push(h("button", { type: "button", id: "logout", onClick: logOut }, t("home.logout")));
  replaceChildren(tools, ...nodes);
}

/** A sentence shown at the top of a section after an action (and read out, once). */
function flash(notice, { readOut = true } = {}) {
  const section = notice && document.getElementById(notice.section);
  if (!section) return;
  const note = h("p", { class: `notice ${notice.kind || "notice--ok"}`, "data-flash": "" }, notice.text);
  section.querySelector("h2")?.after(note);
  if (readOut) announce(notice.text);
}

function draw(results, { focusHeading = false, focusSection = null, notice = null } = {}) {
  const ctx = { api, config, msisdn: viewing, owner: api.session.msisdn, screen: section, reload, switchTo, afterOrder, openSection };
  renderTools(results);
  renderNav();
  document.title = `${t(`screen.${section}`)} · ${t("brand")}`;
  replaceChildren(main, ...renderHome(ctx, results));
  flash(notice);
  if (focusSection) {
    const heading = document.querySelector(`#${focusSection} h2`);
    if (heading) {
      heading.tabIndex = -1;
      heading.focus();
      return;
    }
  }
  if (focusHeading) main.querySelector("h1")?.focus();
}

async function showHome(options = {}) {
  screen = "home";
  clearAlert();
  setBusy(true);
  const mine = ++loads;
  const msisdn = viewing;
  let home = null;
  let drawn = false;
  let firstCame;
  const first = new Promise((resolve) => {
    firstCame = resolve;
  });
  const onPart = (answer) => {
    home = answer;
    if (!drawn) firstCame();
    else if (mine === loads) drawParts(answer, options.notice);
  };
  const { operation, variables } = homeInParts(msisdn);
  const inParts = api.inParts(operation, variables, onPart);
  let results;
  try {
    const [calls] = await Promise.all([api.run(homeCalls(msisdn)), Promise.race([first, inParts])]);
    results = [calls[0], home, calls[1], calls[2]];
  } catch (error) {
    inParts.catch(() => {}); // said once, here
    setBusy(false);
    alertPage(describe(error));
    if (!lastResults) replaceChildren(main, h("p", { class: "notice" }, describe(error)), h("button", { type: "button", class: "btn", onClick: () => showHome() }, t("common.retry")));
    return;
  }
  setBusy(false);
  if (!api.session.active) return; // the refresh failed: the login is showing already
  if (results.every((r) => hasCode(r, "UNAUTHENTICATED"))) {
    api.session.end();
    showLogin(t("login.expired"));
    return;
  }
  lastResults = results;
  draw(results, options);
  drawn = true;
  // A part may have come while the rest of the screen was being waited for.
  drawParts(home, options.notice);
  inParts.catch((error) => {
    // The connection broke between parts: what did not come is said to be unavailable.
    if (mine !== loads || !home?.data?.subscriber) return;
    for (const id of DEFERRED_SECTIONS) home.data.subscriber[id] ??= null;
    drawParts(home);
    alertPage(describe(error));
  });
}

/**
 * The deferred sections whose part has come, drawn in place of their skeletons. The notice
 * of the action that led here stays with its section: a deferred section is drawn again
 * when its part comes, after the notice was first shown on its skeleton.
 */
function drawParts(home, notice = null) {
  const ctx = { api, config, msisdn: viewing, owner: api.session.msisdn, reload, switchTo, afterOrder };
  for (const id of DEFERRED_SECTIONS) {
    const shown = document.getElementById(id);
    if (!shown?.hasAttribute("data-skeleton")) continue;
    const fresh = renderDeferred(ctx, home, id);
    if (fresh.hasAttribute("data-skeleton")) continue;
    shown.replaceWith(fresh);
    if (notice?.section === id) flash(notice, { readOut: false });
  }
}

/**
 * After an action: the screen again, keeping the keyboard where the person was.
 * `notice` ({section, text, kind?}) is shown at the top of that section.
 */
function reload({ notice = null } = {}) {
  const section = document.activeElement?.closest?.("section[id]")?.id ?? null;
  return showHome({ focusSection: section, notice });
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** The sentence for an order in `state`: `done` once completed, else `pending` and the state. */
function orderNotice(notice, state) {
  if (state === "COMPLETED") return { section: notice.section, text: notice.done, kind: "notice--ok" };
  const text = `${notice.pending} ${orderText(state)}`.trim();
  return { section: notice.section, text, kind: isFinal(state) ? "notice" : "notice--info" };
}

/**
 * After an order (connectService, changeTariff...): the screen again with the order's
 * state; while the order is still being carried out it is asked about every second, and
 * the screen is drawn once more when it is done.
 * @param notice {section, done, pending}: what to say when it completed, and before.
 */
async function afterOrder(payload, notice) {
  const state = payload.orderState;
  await reload({ notice: orderNotice(notice, state) });
  if (!payload.orderId || isFinal(state)) return;
  const mine = ++watch;
  const msisdn = viewing;
  for (let i = 0; i < WATCH_TRIES; i += 1) {
    await sleep(WATCH_EVERY_MS);
    if (mine !== watch || screen !== "home" || viewing !== msisdn) return;
    let order = null;
    try {
      const result = await api.one(Orders, { msisdn });
      order = result.data?.subscriber?.orders?.find((o) => o.id === payload.orderId) ?? null;
    } catch {
      continue; // the network blinked: ask again next time
    }
    if (mine !== watch) return;
    if (order && isFinal(order.state)) {
      await reload({ notice: orderNotice(notice, order.state) });
      return;
    }
  }
}

async function logOut() {
  const refreshToken = api.session.state?.refreshToken;
  // Ended here first: even if the server cannot be told, this tab forgets the tokens.
  api.session.end();
  if (refreshToken) {
    try {
      await api.one(LogOut, { refreshToken });
    } catch {
      // The session then just expires on the server.
    }
  }
  history.pushState(null, "", addressOf(DEFAULT_SCREEN, null, null));
  section = DEFAULT_SCREEN;
  showLogin(t("login.loggedOut"));
}

function applyLanguage() {
  translateStatic();
  const other = lang() === "ru" ? "en" : "ru";
  langButton.textContent = other === "en" ? "English" : "Русский";
  langButton.lang = other;
  langButton.setAttribute("aria-label", t("lang.switch"));
}

langButton.addEventListener("click", () => setLang(lang() === "ru" ? "en" : "ru"));
onLangChange(() => {
  applyLanguage();
  // Redraw from what is already here: a language is no reason to ask the backends again.
  if (screen === "home" && lastResults) draw(lastResults);
  else if (screen === "login") showLogin(loginMessage);
  langButton.focus();
});

// Back and Forward: the screen and number of that history entry.
window.addEventListener("popstate", () => {
  if (!api.session.active) return;
  const asked = fromLocation();
  const msisdn = asked.msisdn || api.session.msisdn;
  if (msisdn !== viewing) {
    section = asked.screen;
    showNumber(msisdn, { focusHeading: true });
  } else if (asked.screen !== section) {
    openScreen(asked.screen, { push: false });
  }
});

async function start() {
  applyLanguage();
  config = await loadConfig();
  if (api.session.active) {
    const asked = fromLocation();
    section = asked.screen;
    viewing = asked.msisdn || api.session.msisdn;
    await showHome();
  } else {
    showLogin();
  }
}

start();
