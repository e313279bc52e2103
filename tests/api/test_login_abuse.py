"""Login abuse is bounded without locking the owner out (issue #23, item 4): a stranger's
code requests and wrong passwords, from their own address, spend their own budgets, not
the owner's; refusals spend nothing; link codes count against the number texted. Over
real HTTP, in Redis and in process alike, with the clock moved by hand."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any

import aiohttp
import pytest

from backends.runner import BackendsThread
from tests.api.auth_queries import LINK, LOG_IN, LOG_IN_PASSWORD, REQUEST_CODE
from tests.conftest import GatewayFactory
from tests.harness.clock import FakeClock
from tests.harness.gateway import Answer, GatewayClient
from tests.harness.inbox import last_code, messages

DEMO = "+79000000001"
DEMO_PASSWORD = "demo-password"
STRANGER = "203.0.113.7"
OWNER_HOME = "198.51.100.20"


@pytest.fixture(params=["redis", "in-process"])
def use_redis(request: pytest.FixtureRequest) -> bool:
    return bool(request.param == "redis")


class Client:
    """One client address talking to the gateway (behind one trusted proxy, which writes
    the address into X-Forwarded-For)."""

    def __init__(self, gateway: GatewayClient, address: str) -> None:
        self.gateway = gateway
        self.address = address

    async def query(
        self, query: str, variables: dict[str, Any], token: str | None = None
    ) -> Answer:
        headers = {"x-forwarded-for": self.address}
        return await self.gateway.query(query, variables, token=token, headers=headers)


@asynccontextmanager
async def _gateway(
    start_gateway: GatewayFactory, clock: FakeClock, use_redis: bool, **overrides: Any
) -> AsyncIterator[GatewayClient]:
    async with start_gateway(clock, use_redis=use_redis, trusted_proxies=1, **overrides) as gw:
        yield gw


def _clock_at(hour: int, minute: int = 0, second: int = 0) -> FakeClock:
    """A clock at this time of (whichever) day, UTC: the hour- and day-long windows then
    cannot roll over mid-test, and the waits are known."""
    now = datetime.now(UTC)
    return FakeClock(now.replace(hour=hour, minute=minute, second=second, microsecond=0))


def _start_of_hour() -> FakeClock:
    return _clock_at(datetime.now(UTC).hour, 0, 1)


def _start_of_day() -> FakeClock:
    return _clock_at(0, 0, 1)


async def test_a_strangers_code_requests_leave_the_owner_a_code(
    start_gateway: GatewayFactory,
    http: aiohttp.ClientSession,
    backends: BackendsThread,
    use_redis: bool,
) -> None:
    clock = _start_of_day()
    before = len(await messages(http, backends.sms_url, DEMO))
    async with _gateway(start_gateway, clock, use_redis) as gateway:
        stranger, owner = Client(gateway, STRANGER), Client(gateway, OWNER_HOME)
        answers = [await stranger.query(REQUEST_CODE, {"m": DEMO}) for _ in range(10)]
        assert [a.codes for a in answers] == [[]] + [["RATE_LIMITED"]] * 9
        assert "a code was sent a moment ago" in answers[1].errors[0]["message"]

        # The owner waits out the resend pause (a minute at most), not the day.
        clock.advance(61)
        asked = await owner.query(REQUEST_CODE, {"m": DEMO})
        assert asked.errors == [], asked.errors
        code = await last_code(http, backends.sms_url, DEMO)
        logged = await owner.query(LOG_IN, {"m": DEMO, "c": code})
        assert logged.errors == [], logged.errors
        assert logged.data["logIn"]["subscriber"] == {"msisdn": DEMO}
    assert len(await messages(http, backends.sms_url, DEMO)) == before + 2


async def test_a_concurrent_burst_spends_one_code(
    start_gateway: GatewayFactory,
    http: aiohttp.ClientSession,
    backends: BackendsThread,
    use_redis: bool,
) -> None:
    number = "+79000000046"
    clock = _start_of_day()
    before = len(await messages(http, backends.sms_url, number))
    async with _gateway(start_gateway, clock, use_redis) as gateway:
        stranger = Client(gateway, STRANGER)
        burst = await asyncio.gather(
            *(stranger.query(REQUEST_CODE, {"m": number}) for _ in range(10))
        )
        assert sorted(len(a.errors) for a in burst) == [0] + [1] * 9
        assert len(await messages(http, backends.sms_url, number)) == before + 1
        # The nine refusals gave back what they took: the address's share (3) has two left.
        for _ in range(2):
            clock.advance(61)
            assert (await stranger.query(REQUEST_CODE, {"m": number})).errors == []
        clock.advance(61)
        assert (await stranger.query(REQUEST_CODE, {"m": number})).codes == ["RATE_LIMITED"]


async def test_the_daily_cap_counts_only_codes_sent(
    start_gateway: GatewayFactory,
    http: aiohttp.ClientSession,
    backends: BackendsThread,
    use_redis: bool,
) -> None:
    number = "+79000000042"
    clock = _start_of_day()
    before = len(await messages(http, backends.sms_url, number))
    async with _gateway(
        start_gateway,
        clock,
        use_redis,
        codes_per_number_per_day=3,
        codes_per_number_per_client_per_day=10,
    ) as gateway:
        client = Client(gateway, STRANGER)
        for _ in range(3):
            assert (await client.query(REQUEST_CODE, {"m": number})).errors == []
            for _ in range(5):  # refused: too soon after the last one
                assert (await client.query(REQUEST_CODE, {"m": number})).codes == ["RATE_LIMITED"]
            clock.advance(61)
        capped = await client.query(REQUEST_CODE, {"m": number})
    assert capped.codes == ["RATE_LIMITED"]
    assert "too many codes to this number" in capped.errors[0]["message"]
    assert len(await messages(http, backends.sms_url, number)) == before + 3


async def test_one_address_cannot_use_up_a_numbers_day(
    start_gateway: GatewayFactory,
    http: aiohttp.ClientSession,
    backends: BackendsThread,
    use_redis: bool,
) -> None:
    number = "+79000000043"
    clock = _start_of_day()
    async with _gateway(start_gateway, clock, use_redis) as gateway:
        stranger, owner = Client(gateway, STRANGER), Client(gateway, OWNER_HOME)
        for _ in range(3):  # TGW_CODES_PER_NUMBER_PER_CLIENT_PER_DAY, spaced out
            assert (await stranger.query(REQUEST_CODE, {"m": number})).errors == []
            clock.advance(61)
        refused = await stranger.query(REQUEST_CODE, {"m": number})
        assert refused.codes == ["RATE_LIMITED"]
        assert "from this address" in refused.errors[0]["message"]
        # The number's own cap (10) is far from spent: the owner's address still gets one.
        assert (await owner.query(REQUEST_CODE, {"m": number})).errors == []
    assert (await last_code(http, backends.sms_url, number)).isdigit()


async def test_a_strangers_wrong_passwords_leave_the_owner_in(
    start_gateway: GatewayFactory, use_redis: bool
) -> None:
    clock = _start_of_hour()
    async with _gateway(start_gateway, clock, use_redis) as gateway:
        stranger, owner = Client(gateway, STRANGER), Client(gateway, OWNER_HOME)
        for i in range(10):
            wrong = await stranger.query(LOG_IN_PASSWORD, {"m": DEMO, "p": f"guess-{i}"})
            assert wrong.codes == ["INVALID_CREDENTIALS"]
        # The stranger's tries at this number are used up for the hour...
        more = await stranger.query(LOG_IN_PASSWORD, {"m": DEMO, "p": DEMO_PASSWORD})
        assert more.codes == ["RATE_LIMITED"]
        # ...the owner's, from their own address, are not: a typo, then the password.
        typo = await owner.query(LOG_IN_PASSWORD, {"m": DEMO, "p": "demo-passwort"})
        assert typo.codes == ["INVALID_CREDENTIALS"]
        right = await owner.query(LOG_IN_PASSWORD, {"m": DEMO, "p": DEMO_PASSWORD})
    assert right.errors == [], right.errors
    assert right.data["logInWithPassword"]["subscriber"] == {"msisdn": DEMO}


async def test_a_right_password_spends_nothing(
    start_gateway: GatewayFactory, use_redis: bool
) -> None:
    clock = _start_of_hour()
    async with _gateway(
        start_gateway, clock, use_redis, password_logins_per_number_per_hour=2
    ) as gateway:
        owner = Client(gateway, OWNER_HOME)
        for _ in range(5):
            right = await owner.query(LOG_IN_PASSWORD, {"m": DEMO, "p": DEMO_PASSWORD})
            assert right.errors == [], right.errors
        for _ in range(2):
            wrong = await owner.query(LOG_IN_PASSWORD, {"m": DEMO, "p": "nope"})
            assert wrong.codes == ["INVALID_CREDENTIALS"]
        refused = await owner.query(LOG_IN_PASSWORD, {"m": DEMO, "p": DEMO_PASSWORD})
    assert refused.codes == ["RATE_LIMITED"], "two failures is this test's budget"


async def test_many_addresses_together_meet_the_numbers_bound(
    start_gateway: GatewayFactory, use_redis: bool
) -> None:
    clock = _start_of_hour()
    async with _gateway(
        start_gateway, clock, use_redis, password_logins_per_number_per_hour=15
    ) as gateway:
        first, second = Client(gateway, STRANGER), Client(gateway, "203.0.113.8")
        first_codes = [
            (await first.query(LOG_IN_PASSWORD, {"m": DEMO, "p": f"a{i}"})).codes[0]
            for i in range(10)
        ]
        second_codes = [
            (await second.query(LOG_IN_PASSWORD, {"m": DEMO, "p": f"b{i}"})).codes[0]
            for i in range(10)
        ]
        assert first_codes == ["INVALID_CREDENTIALS"] * 10
        assert second_codes == ["INVALID_CREDENTIALS"] * 5 + ["RATE_LIMITED"] * 5
        owner = Client(gateway, OWNER_HOME)
        # Fifteen failures from anywhere close the number's password login for the hour
        # (the code login stays open); the hour over, the owner is in.
        held = await owner.query(LOG_IN_PASSWORD, {"m": DEMO, "p": DEMO_PASSWORD})
        assert held.codes == ["RATE_LIMITED"]
        assert 0 < held.errors[0]["extensions"]["retryAfter"] <= 3600
        clock.advance(held.errors[0]["extensions"]["retryAfter"])
        right = await owner.query(LOG_IN_PASSWORD, {"m": DEMO, "p": DEMO_PASSWORD})
    assert right.errors == [], right.errors


async def test_guesses_per_code_stay_bounded_across_addresses(
    start_gateway: GatewayFactory,
    http: aiohttp.ClientSession,
    backends: BackendsThread,
    use_redis: bool,
) -> None:
    clock = FakeClock()
    async with _gateway(start_gateway, clock, use_redis) as gateway:
        owner = Client(gateway, OWNER_HOME)
        assert (await owner.query(REQUEST_CODE, {"m": DEMO})).errors == []
        code = await last_code(http, backends.sms_url, DEMO)
        wrong = [f"{n:06d}" for n in range(12) if f"{n:06d}" != code][:9]
        codes = []
        for i, guess in enumerate(wrong):
            guesser = Client(gateway, f"203.0.113.{10 + i % 3}")
            codes.append((await guesser.query(LOG_IN, {"m": DEMO, "c": guess})).codes[0])
    # TGW_CODE_MAX_TRIES (5) wrong guesses in all, however many addresses share them.
    assert codes == ["INVALID_CODE"] * 4 + ["TOO_MANY_ATTEMPTS"] * 5


async def test_link_codes_count_against_the_number_texted(
    start_gateway: GatewayFactory,
    http: aiohttp.ClientSession,
    backends: BackendsThread,
    use_redis: bool,
) -> None:
    target = "+79000000008"  # well-known numbers are left alone by the random links
    owners = ["+79000000002", "+79000000003", "+79000000004", "+79000000007", DEMO]
    clock = _start_of_day()
    before = len(await messages(http, backends.sms_url, target))
    async with _gateway(start_gateway, clock, use_redis, codes_per_number_per_day=3) as gateway:
        answers = []
        for i, owner in enumerate(owners):
            client = Client(gateway, f"198.51.100.{30 + i}")
            token = gateway.subscriber_token(owner)
            answers.append(await client.query(LINK, {"m": target}, token=token))
    assert [a.codes for a in answers] == [[]] * 3 + [["RATE_LIMITED"]] * 2
    assert "too many codes to this number" in answers[3].errors[0]["message"]
    assert len(await messages(http, backends.sms_url, target)) == before + 3


async def test_a_long_wait_is_said_in_hours_and_minutes(
    start_gateway: GatewayFactory, use_redis: bool
) -> None:
    # The day's window has 21 h 27 min 42 s to go.
    clock = _clock_at(2, 32, 18)
    async with _gateway(
        start_gateway,
        clock,
        use_redis,
        codes_per_number_per_day=1,
        code_resend_after=0,
    ) as gateway:
        client = Client(gateway, STRANGER)
        assert (await client.query(REQUEST_CODE, {"m": "+79000000044"})).errors == []
        capped = await client.query(REQUEST_CODE, {"m": "+79000000044"})
    assert capped.codes == ["RATE_LIMITED"]
    error = capped.errors[0]
    assert error["extensions"]["retryAfter"] == 77262
    assert re.search(r"try again in 21 h 28 min$", error["message"]), error["message"]
