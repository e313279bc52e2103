"""The support chat: a subscriber writes, an agent's reply (sent here through the API with an
agent token) arrives live over the WebSocket without a reload, the conversation is escalated
to a ticket; the socket is opened again with the refreshed token when the server closes it
at the old token's expiry, and closed on logging out. Numbers +79000000360..369 are this
file's; what the page should show is read from the API."""

from __future__ import annotations

import asyncio
import json
import re
from typing import Any

from playwright.async_api import Locator, Page, WebSocket, expect

from tests.harness.live import hubs_registered, until_following
from tests.web.conftest import PHONE, WebGateway, WebGatewayFactory
from tests.web.flows import log_in_as, open_screen

CONVERSATION = """query($m: Msisdn!) { supportConversation(msisdn: $m) {
  id msisdn messages { id author text } } }"""
SEND = """mutation($c: ID!, $t: String!) {
  sendSupportMessage(conversationId: $c, text: $t) { id author text } }"""


async def conversation_of(web: WebGateway, msisdn: str) -> dict[str, Any]:
    found: dict[str, Any] | None = (await web.read(CONVERSATION, msisdn, {"m": msisdn}))[
        "supportConversation"
    ]
    assert found is not None, f"{msisdn} has no open conversation"
    return found


async def agent_says(web: WebGateway, conversation_id: str, text: str) -> dict[str, Any]:
    """An agent's reply, through the GraphQL API as the agents' desk sends it."""
    answer = await web.client.query(
        SEND, {"c": conversation_id, "t": text}, token=web.client.agent_token("olga")
    )
    assert answer.errors == [], answer.errors
    message: dict[str, Any] = answer.data["sendSupportMessage"]
    return message


async def write(page: Page, text: str) -> None:
    """Types into the chat's box and sends with Enter (Shift+Enter for each new line)."""
    box = page.locator("#support").get_by_label("Сообщение", exact=True)
    for i, line in enumerate(text.split("\n")):
        if i:
            await box.press("Shift+Enter")
        await box.press_sequentially(line)
    await box.press("Enter")
    await expect(box).to_have_value("")


def chat_log(page: Page) -> Locator:
    return page.locator("#support [data-chat-log]")


async def test_a_subscriber_chats_with_an_agent_live_and_escalates(
    page: Page, web: WebGateway
) -> None:
    number = "+79000000360"
    sockets: list[WebSocket] = []

    def opened(socket: WebSocket) -> None:
        sockets.append(socket)

    page.on("websocket", opened)
    async with hubs_registered(web.client):
        await log_in_as(page, web, number)
        await open_screen(page, "support")
        support = page.locator("#support")
        messages = chat_log(page).locator("li[data-message-id]")
        empty = support.locator("[data-chat-empty]")
        await expect(empty).to_have_text("Напишите нам — оператор ответит здесь же.")

        await write(page, "Не работает интернет")
        await expect(messages).to_have_count(1)
        await expect(messages.last).to_contain_text("Вы")
        await expect(messages.last).to_contain_text("Не работает интернет")
        # Shift+Enter is a new line in the message, not a second message.
        await write(page, "Телефон перезагружал\nне помогло")
        await expect(messages).to_have_count(2)
        await expect(messages.last.locator(".chat__text")).to_have_js_property(
            "textContent", "Телефон перезагружал\nне помогло"
        )
        conversation = await conversation_of(web, number)
        assert [(m["author"], m["text"]) for m in conversation["messages"]] == [
            (number, "Не работает интернет"),
            (number, "Телефон перезагружал\nне помогло"),
        ]

        # The agent answers: the reply appears at the bottom, live, the page not reloaded.
        await expect(support.locator("[data-live]")).to_have_attribute("data-live", "live")
        await until_following(web.client, f"conversation:{conversation['id']}")
        await page.evaluate("window.stillTheSamePage = true")
        reply = await agent_says(web, conversation["id"], "Проверьте, включена ли передача данных")
        await expect(messages).to_have_count(3)
        await expect(messages.last).to_have_attribute("data-message-id", reply["id"])
        await expect(messages.last).to_contain_text("Оператор olga")
        await expect(messages.last).to_contain_text("Проверьте, включена ли передача данных")
        assert await page.evaluate("window.stillTheSamePage") is True
        log = page.locator("#support").get_by_role("log", name="Сообщения чата")
        await expect(log).to_have_attribute("aria-live", "polite")

        # Escalating: the ticket's id on the card, and the system's note in the chat.
        await support.get_by_role("button", name="Передать в заявку").click()
        ticket = support.locator("[data-ticket]")
        await expect(ticket).to_have_text(re.compile(r"^Заявка \S+ создана\."))
        ticket_id = await ticket.get_attribute("data-ticket")
        assert ticket_id
        await expect(ticket).to_contain_text(ticket_id)
        note = chat_log(page).locator("li[data-author=system]")
        await expect(note).to_contain_text(ticket_id)
        notes = [m["text"] for m in (await conversation_of(web, number))["messages"]]
        assert any(ticket_id in text for text in notes), notes

        # A reload keeps the ticket (the conversation's ticketId): no second escalation.
        sockets.clear()  # the old document's socket goes with it
        await page.reload()
        await expect(support.locator("[data-ticket]")).to_have_attribute("data-ticket", ticket_id)
        await expect(support.get_by_role("button", name="Передать в заявку")).to_have_count(0)
        await expect(messages).to_have_count(4)

        # In English, from what is here already; and it fits a phone.
        await page.get_by_role("button", name="English").click()
        await expect(support.get_by_role("heading", level=2)).to_have_text("Support chat")
        await expect(messages.nth(2)).to_contain_text("Agent olga")
        await expect(support.locator("[data-ticket]")).to_contain_text(f"Ticket {ticket_id}")
        await expect(messages).to_have_count(4)
        await page.set_viewport_size(PHONE)
        width = await page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], width

        # Logging out closes the live connection.
        open_sockets = [s for s in sockets if not s.is_closed()]
        assert len(open_sockets) == 1, sockets
        async with open_sockets[0].expect_event("close"):
            await page.get_by_role("button", name="Log out").click()


async def test_the_chat_reconnects_with_the_refreshed_token(
    page: Page, start_web: WebGatewayFactory
) -> None:
    # A 4-second access token: the server closes the socket when it expires (4403); the
    # page has refreshed the token by then and opens the socket again with the new one.
    number = "+79000000361"
    tokens: list[str] = []
    reconnected = asyncio.Event()

    def on_socket(socket: WebSocket) -> None:
        def sent(payload: str | bytes) -> None:
            message = json.loads(payload)
            if message.get("type") == "connection_init":
                tokens.append(message["payload"]["authorization"])
                if len(set(tokens)) > 1:
                    reconnected.set()

        socket.on("framesent", sent)

    page.on("websocket", on_socket)
    async with start_web(access_token_ttl=4) as web, hubs_registered(web.client):
        await log_in_as(page, web, number)
        await open_screen(page, "support")
        await write(page, "Не приходят SMS")
        support = page.locator("#support")
        await expect(support.locator("[data-live]")).to_have_attribute("data-live", "live")
        session = await page.evaluate("JSON.parse(sessionStorage.getItem('tgw.session'))")
        assert tokens[0] == f"Bearer {session['accessToken']}"

        await asyncio.wait_for(reconnected.wait(), timeout=15)
        assert tokens[-1] != tokens[0]
        await expect(support.locator("[data-live]")).to_have_attribute("data-live", "live")
        conversation = await conversation_of(web, number)
        await until_following(web.client, f"conversation:{conversation['id']}")
        reply = await agent_says(web, conversation["id"], "Уже смотрим")
        last = chat_log(page).locator("li[data-message-id]").last
        await expect(last).to_have_attribute("data-message-id", reply["id"])
        await expect(last).to_contain_text("Уже смотрим")
