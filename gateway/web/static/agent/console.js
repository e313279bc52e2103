// The support agents' console: sign in with the company's identity provider (authorization
// code with PKCE: the page makes the verifier, the provider binds the code to its S256
// challenge, the page exchanges the code at the token endpoint), open a number
// (its whole picture on one screen), the live inbox of open conversations (supportInbox over
// graphql-transport-ws, answering, escalating), and, for supervisors, the audit log of
// agents' reads, filtered and paged. Plain module, no build step, same origin's /graphql.

import { follow } from "../js/live.js";

const STRINGS = {
  ru: {
    brand: "Консоль поддержки", signInTitle: "Вход для сотрудников",
    signIn: "Войти через корпоративную учётную запись", findTitle: "Номер абонента",
    number: "Номер", open: "Открыть", balance: "Баланс", tariff: "Тариф",
    stale: "(может быть устаревшим)", auditTitle: "Журнал просмотров", at: "Когда",
    agent: "Сотрудник", fields: "Поля", more: "Ещё", notFound: "Такого номера нет",
    badNumber: "Проверьте номер", expired: "Сессия закончилась, войдите снова",
    unavailable: "Не удалось проверить вход, попробуйте позже", failed: "Не получилось",
    quotas: "Остатки", services: "Услуги", orders: "Заказы", offers: "Предложения",
    links: "Связанные номера", linkedBy: "Кто управляет номером", conversation: "Обращение", none: "нет", unlimited: "безлимит",
    active: "подключено", inboxTitle: "Открытые обращения", answer: "Ответ", send: "Отправить",
    escalate: "Передать в заявку", ticket: "Заявка", filter: "Показать", from: "С", to: "По",
    live: "на связи", offline: "нет связи",
    topUps: "Пополнения", statements: "Детализации", refused: "Вход не выполнен, попробуйте снова",
    PENDING: "в обработке", COMPLETED: "зачислено", DECLINED: "отклонено", CANCELLED: "отменено",
    REFUNDED: "возвращено", inProgress: "готовится", done: "отправлена",
    terminatedWithError: "не отправлена", SAVED_CARD: "сохранённая карта", CARD_TOKEN: "карта",
    APPLE_PAY: "Apple Pay", GOOGLE_PAY: "Google Pay",
  },
  en: {
    brand: "Support console", signInTitle: "Staff sign-in",
    signIn: "Sign in with the company account", findTitle: "Subscriber's number",
    number: "Number", open: "Open", balance: "Balance", tariff: "Tariff",
    stale: "(may be out of date)", auditTitle: "Audit log of reads", at: "When",
    agent: "Agent", fields: "Fields", more: "More", notFound: "No such number",
    badNumber: "Check the number", expired: "The session ended; sign in again",
    unavailable: "Sign-in cannot be checked now; try again later", failed: "That did not work",
    quotas: "Allowances left", services: "Services", orders: "Orders", offers: "Offers",
    links: "Linked numbers", linkedBy: "Managed by", conversation: "Conversation", none: "none", unlimited: "unlimited",
    active: "active", inboxTitle: "Open conversations", answer: "Answer", send: "Send",
    escalate: "Escalate to a ticket", ticket: "Ticket", filter: "Show", from: "From", to: "To",
    live: "live", offline: "offline",
    topUps: "Top-ups", statements: "Statements", refused: "Sign-in did not complete; try again",
    PENDING: "in progress", COMPLETED: "credited", DECLINED: "declined", CANCELLED: "cancelled",
    REFUNDED: "refunded", inProgress: "being prepared", done: "sent",
    terminatedWithError: "not sent", SAVED_CARD: "saved card", CARD_TOKEN: "card",
    APPLE_PAY: "Apple Pay", GOOGLE_PAY: "Google Pay",
  },
};
let lang = localStorage.getItem("tgw-agent-lang") || "ru";
const t = (key) => STRINGS[lang][key] || key;
const $ = (id) => document.getElementById(id);
const TOKEN = "tgw-agent-token";
const PENDING = "tgw-agent-sign-in"; // the state and code_verifier of a sign-in under way

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
  $("inbox").hidden = true;
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

const PICTURE = `query($m: Msisdn!) {
  subscriber(msisdn: $m) { msisdn
    balance { money { amount currency } stale
      quotas { kind name remaining total unit unlimited } }
    tariff { name monthlyFee { amount currency } }
    services { name status }
    orders { id state orderedAt items { action offeringId name } }
    offers { title partner activated }
    linkedNumbers { msisdn alias status } linkedBy { owner alias }
    topUps(first: 5) { id amount { amount currency } state paidAt paymentMethod
      paymentMethodName topUpId }
    statements(first: 5) { id from to format email state orderedAt } }
  supportConversation(msisdn: $m) { id status ticketId messages { author text } } }`;

function listInto(name, items, render) {
  const list = document.querySelector(`#picture [data-field="${name}"]`);
  list.replaceChildren();
  for (const item of items ?? []) {
    const row = document.createElement("li");
    row.textContent = render(item);
    list.append(row);
  }
  if (!list.children.length) {
    const row = document.createElement("li");
    row.textContent = t("none");
    list.append(row);
  }
}

const moneyText = (money) => (money ? `${money.amount} ${money.currency}` : "—");
const whenText = (instant) =>
  new Date(instant).toLocaleString(lang === "ru" ? "ru-RU" : "en-GB", { dateStyle: "short", timeStyle: "short" });

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
  // A partial answer (one backend down) still shows what came, "—" for the rest.
  $("find-problem").textContent = "";
  const field = (name) => document.querySelector(`#picture [data-field="${name}"]`);
  field("msisdn").textContent = who.msisdn;
  const money = who.balance?.money;
  field("balance").textContent = money
    ? `${moneyText(money)}${who.balance.stale ? ` ${t("stale")}` : ""}`
    : "—";
  field("tariff").textContent = who.tariff
    ? `${who.tariff.name} (${moneyText(who.tariff.monthlyFee)})`
    : "—";
  listInto("quotas", who.balance?.quotas, (q) =>
    `${q.name ?? q.kind}: ${q.unlimited ? t("unlimited") : `${q.remaining}${q.total != null ? ` / ${q.total}` : ""} ${q.unit}`}`);
  listInto("services", who.services, (s) => `${s.name} (${s.status})`);
  listInto("orders", who.orders, (o) =>
    `${o.id}: ${o.state} — ${o.items.map((i) => `${i.action} ${i.name ?? i.offeringId}`).join(", ")}`);
  listInto("offers", who.offers, (o) => `${o.partner}: ${o.title}${o.activated ? ` (${t("active")})` : ""}`);
  listInto("links", who.linkedNumbers, (l) => `${l.msisdn}${l.alias ? ` «${l.alias}»` : ""} (${l.status})`);
  listInto("linked-by", who.linkedBy, (l) => `${l.owner}${l.alias ? ` «${l.alias}»` : ""}`);
  listInto("top-ups", who.topUps, (p) =>
    `${whenText(p.paidAt)}: ${moneyText(p.amount)}, ${t(p.state)}, ` +
    `${p.paymentMethodName ?? t(p.paymentMethod ?? "—")} (${p.topUpId ?? p.id})`);
  listInto("statements", who.statements, (s) =>
    `${s.from} – ${s.to}, ${s.format}, ${s.email}: ${t(s.state)} (${whenText(s.orderedAt)})`);
  const talk = answer.data?.supportConversation;
  listInto("conversation", talk ? talk.messages : [], (m) => `${m.author}: ${m.text}`);
  $("picture").hidden = false;
  await loadAudit(true);
}

// The inbox: the open conversations, and every new message over the WebSocket.
const QUEUE = `{ openSupportConversations { id msisdn reason status ticketId messages { author text } } }`;
const SEND = `mutation($c: ID!, $t: String!) { sendSupportMessage(conversationId: $c, text: $t) { id } }`;
const ESCALATE = `mutation($c: ID!, $d: String!) { escalateToTicket(conversationId: $c, description: $d) { id } }`;
const INBOX = { name: "SupportInbox", text: "subscription SupportInbox { supportInbox { conversationId author text } }" };

function messageItem(message) {
  const item = document.createElement("li");
  item.textContent = `${message.author}: ${message.text}`;
  return item;
}

function conversationCard(talk) {
  const card = document.createElement("article");
  card.className = "card";
  card.dataset.conversation = talk.id;
  const title = document.createElement("h3");
  title.textContent = `${talk.msisdn}${talk.reason ? ` — ${talk.reason}` : ""}`;
  const messages = document.createElement("ul");
  messages.className = "messages";
  messages.setAttribute("aria-live", "polite");
  messages.append(...talk.messages.map(messageItem));
  const ticket = document.createElement("p");
  ticket.className = "ticket";
  if (talk.ticketId) ticket.textContent = `${t("ticket")}: ${talk.ticketId}`;
  const form = document.createElement("form");
  const label = document.createElement("label");
  const caption = document.createElement("span");
  caption.textContent = `${t("answer")} ${talk.msisdn}`;
  const input = document.createElement("input");
  input.name = "text";
  input.required = true;
  input.autocomplete = "off";
  label.append(caption, " ", input);
  const send = document.createElement("button");
  send.type = "submit";
  send.textContent = t("send");
  const escalate = document.createElement("button");
  escalate.type = "button";
  escalate.textContent = t("escalate");
  form.append(label, " ", send, " ", escalate);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const answer = await ask(SEND, { c: talk.id, t: input.value });
    if (answer.data?.sendSupportMessage) input.value = ""; // the message comes back live
    else ticket.textContent = t("failed");
  });
  escalate.addEventListener("click", async () => {
    const text = input.value.trim() || talk.messages.at(-1)?.text || talk.reason || "—";
    const answer = await ask(ESCALATE, { c: talk.id, d: text });
    const made = answer.data?.escalateToTicket;
    ticket.textContent = made ? `${t("ticket")}: ${made.id}` : t("failed");
  });
  card.append(title, messages, ticket, form);
  return card;
}

async function loadQueue() {
  const answer = await ask(QUEUE);
  const queue = answer.data?.openSupportConversations;
  if (!queue) return;
  $("inbox-list").replaceChildren(...queue.map(conversationCard));
}

function heard(message) {
  const card = document.querySelector(`[data-conversation="${CSS.escape(message.conversationId)}"]`);
  if (!card) return loadQueue(); // a new conversation: read the queue again
  card.querySelector(".messages").append(messageItem(message));
}

function startInbox() {
  const token = sessionStorage.getItem(TOKEN);
  // live.js's Session contract: the console's token is not refreshed; once refused, it ends.
  const session = { active: true, state: {}, accessToken: () => token,
    refresh: async () => { session.active = false; return false; } };
  follow({
    operation: INBOX,
    variables: {},
    session,
    onNext: (data) => heard(data.supportInbox),
    onState: (state) => {
      $("inbox-state").textContent = t(state === "live" ? "live" : "offline");
      $("inbox").dataset.state = state;
    },
    onLive: loadQueue, // what came while the socket was closed
  });
}

const AUDIT = `query($after: String, $agent: String, $m: Msisdn, $from: DateTime, $to: DateTime) {
  auditLog(first: 20, after: $after, agent: $agent, msisdn: $m, from: $from, to: $to) {
  entries { at agent msisdn fields } endCursor hasNextPage } }`;
let auditCursor = null;

function auditFilters() {
  const form = new FormData($("audit-filter"));
  const text = (name) => String(form.get(name) ?? "").trim() || null;
  // datetime-local is the agent's own time: sent as an instant.
  const instant = (name) => (text(name) ? new Date(text(name)).toISOString() : null);
  return { agent: text("agent"), m: text("msisdn"), from: instant("from"), to: instant("to") };
}

async function loadAudit(fresh) {
  if (fresh) auditCursor = null;
  const answer = await ask(AUDIT, { after: auditCursor, ...auditFilters() });
  const page = answer.data?.auditLog;
  if (!page) {
    // Agents without the supervisor role: FORBIDDEN; a bad filter: said beside the form.
    const code = codeOf(answer);
    if (code === "FORBIDDEN") $("audit").hidden = true;
    else $("audit-problem").textContent = t(problemOf(code));
    return;
  }
  $("audit-problem").textContent = "";
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

// Sign-in: authorization code with PKCE (RFC 7636, S256).
const base64url = (bytes) =>
  btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
const randomText = (size) => base64url(crypto.getRandomValues(new Uint8Array(size)));
const consoleUrl = () => `${location.origin}${location.pathname}`;

async function signIn(config) {
  const verifier = randomText(32); // 43 characters, 256 random bits
  const state = randomText(16);
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier));
  sessionStorage.setItem(PENDING, JSON.stringify({ state, verifier }));
  const request = new URLSearchParams({
    response_type: "code", client_id: config.agentClientId, redirect_uri: consoleUrl(), state,
    code_challenge: base64url(new Uint8Array(digest)), code_challenge_method: "S256",
  });
  location.assign(`${config.agentSignIn}?${request}`);
}

// Back from the provider with ?code=&state= (or ?error=): the problem to show, if any.
async function finishSignIn(config) {
  const answer = new URLSearchParams(location.search);
  if (!answer.has("code") && !answer.has("error")) return null;
  const pending = JSON.parse(sessionStorage.getItem(PENDING) ?? "null");
  sessionStorage.removeItem(PENDING); // one try per sign-in: a code is single-use anyway
  history.replaceState(null, "", location.pathname);
  // A redirect this page did not ask for (another tab's, a forged link) is not taken.
  if (!pending || answer.get("state") !== pending.state || !answer.has("code")) return "refused";
  try {
    const response = await fetch(config.agentToken, {
      method: "POST",
      body: new URLSearchParams({
        grant_type: "authorization_code", code: answer.get("code"),
        code_verifier: pending.verifier, redirect_uri: consoleUrl(), client_id: config.agentClientId,
      }),
    });
    const token = response.ok ? (await response.json()).access_token : null;
    if (!token) return "refused";
    sessionStorage.setItem(TOKEN, token);
    return null;
  } catch {
    return "unavailable";
  }
}

async function start() {
  translate();
  $("lang-switch").addEventListener("click", () => {
    lang = lang === "ru" ? "en" : "ru";
    localStorage.setItem("tgw-agent-lang", lang);
    translate();
  });
  const config = await (await fetch("/web-config.json")).json();
  const problem = config.agentSignIn ? await finishSignIn(config) : null;
  $("sign-in-link").addEventListener("click", (event) => {
    event.preventDefault();
    signIn(config);
  });
  $("find").addEventListener("submit", (event) => {
    event.preventDefault();
    openNumber(new FormData(event.target).get("msisdn"));
  });
  $("audit-more").addEventListener("click", () => loadAudit(false));
  $("audit-filter").addEventListener("submit", (event) => {
    event.preventDefault();
    loadAudit(true);
  });
  if (!sessionStorage.getItem(TOKEN) || !config.agentSignIn) return signedOut(problem);
  $("sign-in").hidden = true;
  $("desk").hidden = false;
  $("inbox").hidden = false;
  startInbox();
  await loadAudit(true);
}

start();
