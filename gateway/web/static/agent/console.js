// The support agents' console (first slice): sign in with the company's identity provider,
// open a number (balance, tariff), and, for supervisors, the audit log of agents' reads.
// Plain module, no build step, same origin's /graphql. Not yet: the whole picture of a
// number, the live inbox, answering and escalating (README, "Agents' console").

const STRINGS = {
  ru: {
    brand: "Консоль поддержки", signInTitle: "Вход для сотрудников",
    signIn: "Войти через корпоративную учётную запись", findTitle: "Номер абонента",
    number: "Номер", open: "Открыть", balance: "Баланс", tariff: "Тариф",
    stale: "(может быть устаревшим)", auditTitle: "Журнал просмотров", at: "Когда",
    agent: "Сотрудник", fields: "Поля", more: "Ещё", notFound: "Такого номера нет",
    badNumber: "Проверьте номер", expired: "Сессия закончилась, войдите снова",
    unavailable: "Не удалось проверить вход, попробуйте позже", failed: "Не получилось",
  },
  en: {
    brand: "Support console", signInTitle: "Staff sign-in",
    signIn: "Sign in with the company account", findTitle: "Subscriber's number",
    number: "Number", open: "Open", balance: "Balance", tariff: "Tariff",
    stale: "(may be out of date)", auditTitle: "Audit log of reads", at: "When",
    agent: "Agent", fields: "Fields", more: "More", notFound: "No such number",
    badNumber: "Check the number", expired: "The session ended; sign in again",
    unavailable: "Sign-in cannot be checked now; try again later", failed: "That did not work",
  },
};
let lang = localStorage.getItem("tgw-agent-lang") || "ru";
const t = (key) => STRINGS[lang][key] || key;
const $ = (id) => document.getElementById(id);
const TOKEN = "tgw-agent-token";

function translate() {
  document.documentElement.lang = lang;
  for (const node of document.querySelectorAll("[data-i18n]")) node.textContent = t(node.dataset.i18n);
  $("lang-switch").textContent = lang === "ru" ? "English" : "Русский";
  $("lang-switch").lang = lang === "ru" ? "en" : "ru";
}

async function ask(query, variables) {
  const response = await fetch("/graphql", {
    method: "POST",
    headers: {
      "content-type": "application/json",
      authorization: `Bearer ${sessionStorage.getItem(TOKEN)}`,
      "apollographql-client-name": "agent-console",
    },
    body: JSON.stringify({ query, variables }),
  });
  return response.json();
}

const codeOf = (answer) => answer.errors?.[0]?.extensions?.code;

function signedOut(problem) {
  sessionStorage.removeItem(TOKEN);
  $("desk").hidden = true;
  $("audit").hidden = true;
  $("sign-in").hidden = false;
  $("sign-in-problem").textContent = problem ? t(problem) : "";
}

function problemOf(code) {
  if (code === "UNAUTHENTICATED") return "expired";
  if (code === "IDENTITY_PROVIDER_UNAVAILABLE") return "unavailable";
  if (code === "NOT_FOUND") return "notFound";
  if (code === "BAD_USER_INPUT") return "badNumber";
  return "failed";
}

const PICTURE = `query($m: Msisdn!) { subscriber(msisdn: $m) { msisdn
  balance { money { amount currency } stale } tariff { name } } }`;

async function openNumber(msisdn) {
  const answer = await ask(PICTURE, { m: msisdn });
  const who = answer.data?.subscriber;
  if (!who) {
    const code = codeOf(answer);
    if (code === "UNAUTHENTICATED") return signedOut("expired");
    $("picture").hidden = true;
    $("find-problem").textContent = t(problemOf(code));
    return;
  }
  $("find-problem").textContent = "";
  const field = (name) => document.querySelector(`#picture [data-field="${name}"]`);
  field("msisdn").textContent = who.msisdn;
  const money = who.balance?.money;
  field("balance").textContent = money
    ? `${money.amount} ${money.currency}${who.balance.stale ? ` ${t("stale")}` : ""}`
    : "—";
  field("tariff").textContent = who.tariff?.name ?? "—";
  $("picture").hidden = false;
  await loadAudit(true);
}

const AUDIT = `query($after: String) { auditLog(first: 20, after: $after) {
  entries { at agent msisdn fields } endCursor hasNextPage } }`;
let auditCursor = null;

async function loadAudit(fresh) {
  if (fresh) auditCursor = null;
  const answer = await ask(AUDIT, { after: auditCursor });
  const page = answer.data?.auditLog;
  if (!page) {
    $("audit").hidden = true; // agents without the supervisor role: FORBIDDEN
    return;
  }
  const rows = $("audit-rows");
  if (fresh) rows.replaceChildren();
  for (const entry of page.entries) {
    const row = document.createElement("tr");
    const when = new Date(entry.at).toLocaleString(lang === "ru" ? "ru-RU" : "en-GB");
    for (const text of [when, entry.agent, entry.msisdn, entry.fields.join(", ")]) {
      const cell = document.createElement("td");
      cell.textContent = text;
      row.append(cell);
    }
    rows.append(row);
  }
  auditCursor = page.endCursor;
  $("audit-more").hidden = !page.hasNextPage;
  $("audit").hidden = false;
}

function takeTokenFromRedirect() {
  // The provider sends the browser back with #access_token=...&state=...
  const fragment = new URLSearchParams(location.hash.slice(1));
  const token = fragment.get("access_token");
  if (!token) return;
  const expected = sessionStorage.getItem("tgw-agent-state");
  sessionStorage.removeItem("tgw-agent-state");
  history.replaceState(null, "", location.pathname);
  if (expected && fragment.get("state") === expected) sessionStorage.setItem(TOKEN, token);
}

async function start() {
  translate();
  $("lang-switch").addEventListener("click", () => {
    lang = lang === "ru" ? "en" : "ru";
    localStorage.setItem("tgw-agent-lang", lang);
    translate();
  });
  const config = await (await fetch("/web-config.json")).json();
  takeTokenFromRedirect();
  $("sign-in-link").addEventListener("click", (event) => {
    event.preventDefault();
    const state = crypto.getRandomValues(new Uint32Array(4)).join("-");
    sessionStorage.setItem("tgw-agent-state", state);
    const back = `${location.origin}${location.pathname}`;
    location.assign(`${config.agentSignIn}?${new URLSearchParams({ redirect_uri: back, state })}`);
  });
  $("find").addEventListener("submit", (event) => {
    event.preventDefault();
    openNumber(new FormData(event.target).get("msisdn"));
  });
  $("audit-more").addEventListener("click", () => loadAudit(false));
  if (!sessionStorage.getItem(TOKEN) || !config.agentSignIn) return signedOut();
  $("sign-in").hidden = true;
  $("desk").hidden = false;
  await loadAudit(true);
}

start();
