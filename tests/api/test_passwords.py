"""The permanent password: changed knowing the current one, set or reset with a texted
code, under the limits of logging in (issue 24). Numbers +79000000381..385 are this
file's: their passwords change here."""

from __future__ import annotations

import aiohttp

from backends.runner import BackendsThread
from tests.api.auth_queries import LOG_IN_PASSWORD, TOKENS
from tests.conftest import GatewayFactory
from tests.harness.gateway import GatewayClient
from tests.harness.inbox import last_code

CHANGE = """mutation($c: String!, $n: String!) {
  changePassword(currentPassword: $c, newPassword: $n) }"""
REQUEST = """mutation($m: Msisdn!) { requestPasswordCode(msisdn: $m) {
  expiresAt resendAvailableAt } }"""
SET = "mutation($c: String!, $n: String!) { setPassword(code: $c, newPassword: $n) }"
RESET = (
    "mutation($m: Msisdn!, $c: String!, $n: String!) { "
    "resetPassword(msisdn: $m, code: $c, newPassword: $n) { " + TOKENS + " } }"
)


def original(msisdn: str) -> str:
    return f"pass-{msisdn[-4:]}"


async def logs_in(gateway: GatewayClient, msisdn: str, password: str) -> bool:
    answer = await gateway.query(LOG_IN_PASSWORD, {"m": msisdn, "p": password})
    return answer.errors == []


async def test_change_knowing_the_current_password(gateway: GatewayClient) -> None:
    number = "+79000000381"
    token = gateway.subscriber_token(number)
    wrong = await gateway.query(CHANGE, {"c": "not-it-at-all", "n": "new-secret-1"}, token=token)
    assert wrong.codes == ["INVALID_CREDENTIALS"]
    short = await gateway.query(CHANGE, {"c": original(number), "n": "short"}, token=token)
    assert short.codes == ["WEAK_PASSWORD"]
    assert short.errors[0]["extensions"]["reason"] == "TOO_SHORT"
    itself = await gateway.query(CHANGE, {"c": original(number), "n": "79000000381"}, token=token)
    assert itself.codes == ["WEAK_PASSWORD"]
    assert await logs_in(gateway, number, original(number)), "refusals change nothing"

    done = await gateway.query(CHANGE, {"c": original(number), "n": "new-secret-1"}, token=token)
    assert done.errors == []
    assert done.data == {"changePassword": True}
    assert await logs_in(gateway, number, "new-secret-1")
    assert not await logs_in(gateway, number, original(number))


async def test_changing_needs_a_subscriber_token(gateway: GatewayClient) -> None:
    anonymous = await gateway.query(CHANGE, {"c": "x", "n": "new-secret-2"})
    assert anonymous.codes == ["UNAUTHENTICATED"]
    agent = await gateway.query(
        CHANGE, {"c": "x", "n": "new-secret-2"}, token=gateway.agent_token()
    )
    assert agent.codes == ["FORBIDDEN"]


async def test_change_attempts_count_like_password_logins(start_gateway: GatewayFactory) -> None:
    number = "+79000000382"
    async with start_gateway(password_logins_per_number_per_hour=3) as gateway:
        token = gateway.subscriber_token(number)
        fields = " ".join(
            f'a{i}: changePassword(currentPassword: "guess-{i}-x", newPassword: "new-secret-3")'
            for i in range(3)
        )
        guesses = await gateway.query(f"mutation {{ {fields} }}", token=token)
        assert guesses.codes == ["INVALID_CREDENTIALS"] * 3
        # The same counter as logging in: the right password waits for the window now.
        right = await gateway.query(
            CHANGE, {"c": original(number), "n": "new-secret-3"}, token=token
        )
        assert right.codes == ["RATE_LIMITED"]
        login = await gateway.query(LOG_IN_PASSWORD, {"m": number, "p": original(number)})
    assert login.codes == ["RATE_LIMITED"]


async def test_set_after_logging_in_with_the_texted_code(
    gateway: GatewayClient, http: aiohttp.ClientSession, backends: BackendsThread
) -> None:
    number = "+79000000383"
    token = gateway.subscriber_token(number)
    sent = await gateway.query(REQUEST, {"m": number})
    assert sent.errors == [], sent.errors
    code = await last_code(http, backends.sms_url, number)
    wrong = "000000" if code != "000000" else "111111"
    refused = await gateway.query(SET, {"c": wrong, "n": "set-by-code-1"}, token=token)
    assert refused.codes == ["INVALID_CODE"]
    weak = await gateway.query(SET, {"c": code, "n": "short"}, token=token)
    assert weak.codes == ["WEAK_PASSWORD"]
    done = await gateway.query(SET, {"c": code, "n": "set-by-code-1"}, token=token)
    assert done.data == {"setPassword": True}, done.errors
    assert await logs_in(gateway, number, "set-by-code-1")
    again = await gateway.query(SET, {"c": code, "n": "set-by-code-2"}, token=token)
    assert again.codes == ["CODE_EXPIRED"], "a code works once"


async def test_reset_a_forgotten_password_logs_in(
    gateway: GatewayClient, http: aiohttp.ClientSession, backends: BackendsThread
) -> None:
    number = "+79000000384"
    # A login code is no password code: each purpose has codes of its own.
    login = await gateway.query(
        "mutation($m: Msisdn!) { requestLoginCode(msisdn: $m) { expiresAt } }", {"m": number}
    )
    assert login.errors == []
    login_code = await last_code(http, backends.sms_url, number)
    crossed = await gateway.query(RESET, {"m": number, "c": login_code, "n": "forgot-and-reset"})
    assert crossed.codes == ["CODE_EXPIRED"]

    sent = await gateway.query(REQUEST, {"m": number})
    assert sent.errors == [], sent.errors
    code = await last_code(http, backends.sms_url, number)
    reset = await gateway.query(RESET, {"m": number, "c": code, "n": "forgot-and-reset"})
    assert reset.errors == [], reset.errors
    assert reset.data["resetPassword"]["subscriber"] == {"msisdn": number}
    me = await gateway.query("{ me { msisdn } }", token=reset.data["resetPassword"]["accessToken"])
    assert me.data == {"me": {"msisdn": number}}
    assert await logs_in(gateway, number, "forgot-and-reset")


async def test_reset_codes_count_like_login_codes(start_gateway: GatewayFactory) -> None:
    async with start_gateway(codes_per_number_per_day=1) as gateway:
        first = await gateway.query(REQUEST, {"m": "+79000000385"})
        assert first.errors == []
        second = await gateway.query(REQUEST, {"m": "+79000000385"})
        assert second.codes == ["RATE_LIMITED"]
        # An unknown number is answered alike: nobody learns who is a subscriber.
        unknown = await gateway.query(REQUEST, {"m": "+79990000000"})
        assert unknown.errors == []
