// The support chat: the number's open conversation (SupportConversation, part of the home
// screen's batch), a box to write in, and escalation to a ticket. An agent's replies come
// live over the WebSocket (live.js) while the number is on screen.
//
// The chat outlives a redraw of the screen (after any action, a language change): its
// messages and the live connection are kept here, per number, and each new card shows
// them. stopSupportChat() ends it (logging out, switching to another number).
import { h } from "../dom.js";
import { describe, isBackendProblem } from "../errors.js";
import { time } from "../format.js";
import { clearErrors, field, form, runAction, showErrors, submitButton } from "../forms.js";
import { t } from "../i18n.js";
import { announce } from "../notices.js";
import { EscalateToTicket, SendSupportMessage, StartSupportConversation, SupportConversation, SupportMessages } from "../operations.js";
import { follow } from "../live.js";
import { card, notice } from "./card.js";

const MAX_TEXT = 2000;

/** What the chat knows, for the number on screen. */
const chat = {
  msisdn: null,
  applied: null, // the batch result last read, so a redraw from the same one changes nothing
  conversation: null, // {id, msisdn, reason, status}
  messages: new Map(), // id -> message, in arrival order
  tickets: new Map(), // conversation id -> ticket escalated to (this tab knows)
  live: null, // {conversationId, stop}
  liveState: "connecting",
  ctx: null,
  node: null, // the card on screen
};

export function stopSupportChat() {
  chat.live?.stop();
  chat.live = null;
  chat.msisdn = null;
  chat.applied = null;
  chat.conversation = null;
  chat.messages = new Map();
  chat.liveState = "connecting";
  chat.node = null;
}

function authorLabel(author) {
  if (author === chat.conversation?.msisdn || author === chat.msisdn) return t("support.you");
  if (author.startsWith("agent:")) return t("support.agent", { name: author.slice("agent:".length) });
  return t("support.system");
}

function authorKind(author) {
  if (author === chat.conversation?.msisdn || author === chat.msisdn) return "mine";
  return author.startsWith("agent:") ? "agent" : "system";
}

function messageItem(message) {
  return h(
    "li",
    { class: `chat__msg chat__msg--${authorKind(message.author)}`, "data-message-id": message.id, "data-author": message.author },
    h(
      "p",
      { class: "chat__meta" },
      h("span", { class: "chat__author" }, authorLabel(message.author)),
      message.sentAt ? [" · ", h("time", { datetime: message.sentAt }, time(message.sentAt))] : null,
    ),
    h("p", { class: "chat__text" }, message.text),
  );
}

function sortedMessages() {
  // Newest at the bottom: by the time sent, arrival order among equals or without one.
  const all = [...chat.messages.values()];
  return all
    .map((m, i) => [m, i])
    .sort(([a, i], [b, j]) => (Date.parse(a.sentAt ?? "") || Infinity) - (Date.parse(b.sentAt ?? "") || Infinity) || i - j)
    .map(([m]) => m);
}

/** Adds messages not seen yet; on screen they go at the bottom of the log. */
function receive(messages) {
  const fresh = messages.filter((m) => m && m.conversationId === chat.conversation?.id && !chat.messages.has(m.id));
  if (!fresh.length) return;
  for (const m of fresh) chat.messages.set(m.id, m);
  const log = chat.node?.isConnected ? chat.node.querySelector("[data-chat-log]") : null;
  if (!log) return;
  log.querySelector("[data-chat-empty]")?.remove();
  for (const m of fresh) log.append(messageItem(m));
  const box = log.closest("[data-chat-scroll]");
  box.scrollTop = box.scrollHeight;
}

function setLiveState(state) {
  chat.liveState = state;
  const line = chat.node?.isConnected ? chat.node.querySelector("[data-live]") : null;
  if (line) {
    line.dataset.live = state;
    line.textContent = t(`support.live.${state}`);
  }
}

/** Asks for the conversation again: what came while the socket was closed. */
async function catchUp() {
  const { api } = chat.ctx;
  const msisdn = chat.msisdn;
  try {
    const result = await api.one(SupportConversation, { msisdn });
    const found = result.data?.supportConversation;
    if (found && chat.msisdn === msisdn && found.id === chat.conversation?.id) receive(found.messages);
  } catch {
    // The socket is back; the next reconnection asks again.
  }
}

function ensureLive(ctx) {
  const id = chat.conversation?.id ?? null;
  if (chat.live?.conversationId === id) return;
  chat.live?.stop();
  chat.live = null;
  if (!id) return;
  const live = { conversationId: id, stop: () => {} };
  chat.live = live;
  const following = follow({
    operation: SupportMessages,
    variables: { conversationId: id },
    session: ctx.api.session,
    onNext: (data) => receive([data.supportMessages]),
    onState: (state) => {
      if (chat.live === live) setLiveState(state);
    },
    onLive: () => {
      if (chat.live === live) catchUp();
    },
  });
  live.stop = following.stop;
}

/** Takes in a conversation as the server answered it (null: none open). */
function adopt(conversation) {
  if (!conversation) {
    chat.conversation = null;
    chat.messages = new Map();
    return;
  }
  if (conversation.id !== chat.conversation?.id) chat.messages = new Map();
  chat.conversation = { id: conversation.id, msisdn: conversation.msisdn, reason: conversation.reason, status: conversation.status };
  // The server knows the ticket (after a reload this tab does not): never offer it twice.
  if (conversation.ticketId && !chat.tickets.has(conversation.id)) chat.tickets.set(conversation.id, { id: conversation.ticketId });
  receive(conversation.messages || []);
}

/** What the ticket is about: the subscriber's own words in this conversation. */
function ticketDescription() {
  const mine = sortedMessages()
    .filter((m) => authorKind(m.author) === "mine")
    .map((m) => m.text)
    .join("\n");
  const text = mine || chat.conversation?.reason || t("support.ticketDescription");
  return text.length > MAX_TEXT ? text.slice(text.length - MAX_TEXT) : text;
}

function redraw(focusName) {
  const old = chat.node;
  if (!old?.isConnected) return;
  const fresh = build(chat.ctx, null);
  old.replaceWith(fresh);
  fresh.querySelector(`[name=${focusName}]`)?.focus();
}

function messageForm(ctx) {
  const onSubmit = async (f) => {
    clearErrors(f);
    const text = f.elements.text.value.trim();
    if (!text) {
      showErrors(f, [{ field: "text", text: t("support.emptyText") }]);
      return;
    }
    if (text.length > MAX_TEXT) {
      showErrors(f, [{ field: "text", text: t("support.longText", { max: MAX_TEXT }) }]);
      return;
    }
    const conversation = chat.conversation;
    const sent = conversation
      ? await runAction({ api: ctx.api, formNode: f, operation: SendSupportMessage, field: "sendSupportMessage", variables: { conversationId: conversation.id, text } })
      : await runAction({ api: ctx.api, formNode: f, operation: StartSupportConversation, field: "startSupportConversation", variables: { msisdn: ctx.msisdn, text } });
    if (!sent || chat.msisdn !== ctx.msisdn) return;
    f.elements.text.value = "";
    if (conversation) {
      receive([sent]);
      f.elements.text.focus();
    } else {
      adopt(sent);
      ensureLive(ctx);
      redraw("text"); // the card gains the log's live line and the escalation
    }
  };
  const box = field({
    label: t("support.message"),
    name: "text",
    control: "textarea",
    rows: 3,
    maxlength: MAX_TEXT,
    hint: t("support.hint"),
    onKeydown: (event) => {
      // Enter sends; Shift+Enter is a new line (and so is Enter while an IME composes).
      if (event.key !== "Enter" || event.shiftKey || event.isComposing) return;
      event.preventDefault();
      event.target.form.requestSubmit();
    },
  });
  return form({ onSubmit, class: "form chat__form" }, box, submitButton(t("support.send")));
}

function escalation(ctx) {
  const id = chat.conversation?.id;
  const ticket = id ? chat.tickets.get(id) : null;
  if (ticket) return h("p", { class: "notice notice--ok", "data-ticket": ticket.id }, t("support.ticket", { id: ticket.id }));
  if (!id) return null;
  return form(
    {
      class: "form chat__escalate",
      onSubmit: async (f) => {
        const made = await runAction({
          api: ctx.api,
          formNode: f,
          operation: EscalateToTicket,
          field: "escalateToTicket",
          variables: { conversationId: id, description: ticketDescription() },
        });
        if (!made) return;
        chat.tickets.set(id, made);
        announce(t("support.ticket", { id: made.id }));
        redraw("text");
      },
    },
    h("p", { class: "muted" }, t("support.escalateHint")),
    submitButton(t("support.escalate"), { class: "btn btn--ghost" }),
  );
}

function build(ctx, problem) {
  const has = Boolean(chat.conversation);
  // The log (role=log) scrolls and holds a list of messages: a list item needs its list
  // as parent, so the role sits on a box around the list, not on the list itself.
  const log = h(
    "div",
    {
      class: "chat__log",
      "data-chat-scroll": "",
      role: "log",
      "aria-live": "polite",
      "aria-label": t("support.log"),
      tabindex: "0", // it scrolls: reachable by keyboard
    },
    h(
      "ol",
      { class: "chat__list", "data-chat-log": "" },
      has && chat.messages.size ? sortedMessages().map(messageItem) : h("li", { class: "chat__empty muted", "data-chat-empty": "" }, t("support.empty")),
    ),
  );
  const node = card(
    { id: "support", title: t("support.title") },
    problem ? notice(problem) : null,
    log,
    has ? h("p", { class: "muted chat__live", "data-live": chat.liveState }, t(`support.live.${chat.liveState}`)) : null,
    messageForm(ctx),
    escalation(ctx),
  );
  chat.node = node;
  requestAnimationFrame(() => {
    log.scrollTop = log.scrollHeight;
  });
  return node;
}

/**
 * @param ctx {api, msisdn, ...} of the home screen
 * @param result the SupportConversation answer of the screen's batch
 */
export function renderSupport(ctx, result) {
  if (chat.msisdn !== ctx.msisdn) stopSupportChat();
  chat.msisdn = ctx.msisdn;
  chat.ctx = ctx;
  const error = result?.errors?.[0] ?? null;
  let problem = null;
  if (error) problem = isBackendProblem(error) ? t("support.unavailable") : describe(error);
  else if (result && result !== chat.applied) adopt(result.data?.supportConversation ?? null);
  chat.applied = result;
  if (problem && !chat.conversation) {
    // Nothing to show and nowhere to write to: the sentence only.
    chat.node = null;
    return card({ id: "support", title: t("support.title") }, notice(problem));
  }
  ensureLive(ctx);
  return build(ctx, problem);
}
