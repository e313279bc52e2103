"""The page's files: every module the page imports is shipped, every operation it sends
is valid against schema.graphql, and `/web-config.json` has its shape."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from graphql import build_schema, parse, validate

from gateway.web.assets import AgentSignIn, console_page, static_directory, web_config
from tests.web.conftest import WebGateway

ROOT = Path(__file__).resolve().parents[2]
IMPORT = re.compile(r"""^import .* from "(\.{1,2}/[^"]+)";$""", re.MULTILINE)
IMPORT_FROM_OPERATIONS = re.compile(
    r"""^import \{([^}]*)\} from "\.{1,2}/(?:\.\./)*operations\.js";$""", re.M
)
OPERATION = re.compile(r'op\("(\w+)", `(.*?)`\)', re.DOTALL)


def test_every_imported_module_is_there() -> None:
    js = static_directory() / "js"
    modules = sorted(js.rglob("*.js"))
    assert (static_directory() / "index.html").is_file()
    for module in modules:
        for target in IMPORT.findall(module.read_text(encoding="utf-8")):
            assert (module.parent / target).resolve().is_file(), f"{module.name} -> {target}"


def _operations(text: str) -> dict[str, str]:
    # ${AUTH_FIELDS}-style pieces are spliced in, as the page does.
    pieces = dict(re.findall(r'const (\w+) = "([^"]+)";', text))
    return {
        name: re.sub(r"\$\{(\w+)\}", lambda m: pieces[m.group(1)], body)
        for name, body in OPERATION.findall(text)
    }


def _page_operations() -> dict[str, str]:
    return _operations((static_directory() / "js" / "operations.js").read_text(encoding="utf-8"))


def test_every_operation_is_valid_against_the_schema() -> None:
    operations = _page_operations()
    assert {
        "LogIn",
        "HomeScreen",
        "Account",
        "Catalog",
        "ConfirmLinkedNumber",
        "TopUp",
        "SetAutopay",
        "CancelAutopay",
        "OrderStatement",
        "ConnectService",
        "DisconnectService",
        "ChangeTariff",
        "ConfigureTariff",
        "AddPackage",
        "ActivateOffer",
        "ShareData",
        "PreviewTariffChange",
        "SupportConversation",
        "StartSupportConversation",
        "SendSupportMessage",
        "EscalateToTicket",
        "SupportMessages",
    } <= set(operations)
    schema = build_schema((ROOT / "schema.graphql").read_text(encoding="utf-8"))
    for name, body in operations.items():
        document = parse(body)
        assert validate(schema, document) == [], name
        assert f" {name}" in body.split("{")[0], "the operation is named as exported"


def test_the_views_send_only_operations_of_operations_js() -> None:
    # Whatever a module imports from operations.js is one of the operations checked above
    # (or a helper of that file): no view brings an operation of its own.
    operations = _page_operations()
    for module in sorted((static_directory() / "js").rglob("*.js")):
        source = module.read_text(encoding="utf-8")
        assert "fetch(" not in source or module.name in {"graphql.js", "config.js"}, module.name
        for names in IMPORT_FROM_OPERATIONS.findall(source):
            for name in (n.strip() for n in names.split(",")):
                assert name in operations, f"{module.name} imports {name}"


def test_every_action_takes_an_idempotency_key_and_answers_user_errors() -> None:
    no_key = {"RequestLoginCode", "LogIn", "LogInWithPassword", "RefreshSession", "LogOut"}
    no_key |= {"LinkNumber", "ConfirmLinkedNumber", "UnlinkNumber"}
    # The password's, like logging in, are counted attempts, not actions to repeat safely.
    no_key |= {"RequestPasswordCode", "SetPassword", "ResetPassword", "ChangePassword"}
    actions = {
        name: body
        for name, body in _page_operations().items()
        if body.lstrip().startswith("mutation") and name not in no_key
    }
    # The chat's mutations answer the message or ticket itself: schema.graphql gives them no
    # userErrors (a refused text is a BAD_USER_INPUT error), but a key all the same.
    chat = {"StartSupportConversation", "SendSupportMessage", "EscalateToTicket"}
    assert len(actions) == 14
    assert chat <= set(actions)
    for name, body in actions.items():
        assert "$idempotencyKey: String!" in body, name
        assert "idempotencyKey: $idempotencyKey" in body, name
        assert name in chat or "userErrors { field code message }" in body, name


@pytest.mark.parametrize(
    ("demo", "inbox", "expected"),
    [
        (True, "http://127.0.0.1:8103/admin/messages?msisdn=", True),
        (False, "http://127.0.0.1:8103/admin/messages?msisdn=", False),
    ],
)
def test_the_inbox_is_told_only_in_the_demo(demo: bool, inbox: str, expected: bool) -> None:
    config = web_config(demo=demo, sms_inbox=inbox)
    assert config["demo"] is demo
    assert ("smsInbox" in config) is expected


async def test_the_gateway_serves_the_page_and_its_config(web: WebGateway) -> None:
    async with web.http.get(f"{web.url}/web-config.json") as response:
        assert response.status == 200
        assert await response.json() == {
            "demo": True,
            "smsInbox": f"{web.sms_url}/admin/messages?msisdn=",
            "topUp": {"min": "10", "max": "15000"},
        }
    async with web.http.get(f"{web.url}/") as response:
        assert response.status == 200
        assert '<script type="module" src="js/app.js">' in await response.text()
    async with web.http.get(f"{web.url}/js/app.js") as response:
        assert response.status == 200
        assert "javascript" in response.headers["content-type"]


CONSOLE_OPERATION = re.compile(r"`((?:query|mutation|subscription)\b.*?|\{.*?)`", re.DOTALL)


def test_the_consoles_operations_are_valid() -> None:
    # The console sends its operations inline (no allow-list entry): checked here instead.
    schema = build_schema((ROOT / "schema.graphql").read_text(encoding="utf-8"))
    text = (static_directory() / "agent" / "console.js").read_text(encoding="utf-8")
    bodies = [b for b in CONSOLE_OPERATION.findall(text) if "${" not in b]
    assert any("topUps" in body and "statements" in body for body in bodies)
    for body in bodies:
        assert validate(schema, parse(body)) == [], body


def test_the_console_is_told_where_to_sign_in_and_may_reach_only_that_token_endpoint() -> None:
    sign_in = AgentSignIn.of("https://id.example/realms/ops/auth", None, "console")
    assert sign_in is not None
    assert sign_in.token == "https://id.example/realms/ops/token"
    assert web_config(demo=False, sms_inbox=None, agent_sign_in=sign_in) == {
        "demo": False,
        "agentSignIn": "https://id.example/realms/ops/auth",
        "agentToken": "https://id.example/realms/ops/token",
        "agentClientId": "console",
    }
    assert "connect-src 'self' https://id.example;" in console_page(sign_in)
    assert "connect-src 'self';" in console_page(None)
    assert AgentSignIn.of(None, "https://id.example/token", "console") is None
