"""Operation batching: a JSON array in one POST answers with an array; the whole screen's
parts share one Context, so the same read is one backend call."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from tests.harness.backends import BackendAdmin
from tests.harness.gateway import GatewayClient

DEMO = "+79000000001"
SCREEN_PARTS = [
    "{ me { balance { money { amount } quotas { kind remaining } } } }",
    "{ me { tariff { name monthlyFee { amount } } } }",
    "{ me { services { name status } } }",
    "{ me { expenses { category amount { amount } } } }",
    "{ me { offers { title activated } } }",
    "{ me { linkedNumbers { msisdn alias } } }",
    "{ me { name region } }",
    "{ me { balance { nextChargeAt nextChargeAmount { amount } } } }",
    "{ me { tariff { allowances { kind amount } } } }",
    "{ me { msisdn services { id } } }",
]
PER_NUMBER_ROUTES = {
    "billing": ["/bucket", "/appliedCustomerBillingRate"],
    "provisioning": ["/product", "/customer", "/permission"],
    "loyalty": ["/loyaltyProgramProduct"],
}


async def test_a_batch_of_ten_screen_queries_costs_one_call_per_resource(
    gateway: GatewayClient, admins: dict[str, BackendAdmin]
) -> None:
    answer = await gateway.post(
        [{"query": q} for q in SCREEN_PARTS], token=gateway.subscriber_token(DEMO)
    )
    assert answer.status == 200
    assert isinstance(answer.body, list)
    assert len(answer.body) == 10
    assert all("errors" not in item for item in answer.body), answer.body
    assert answer.body[0]["data"]["me"]["balance"]["money"]["amount"] == "412.50"
    for name, routes in PER_NUMBER_ROUTES.items():
        for route in routes:
            assert await admins[name].count(route) == 1, f"{name} {route}"


async def test_the_batch_size_is_capped(gateway: GatewayClient) -> None:
    answer = await gateway.post([{"query": "{ tariffs { id } }"}] * 11)
    assert answer.status == 400
    assert answer.codes == ["BATCH_TOO_LARGE"]


async def test_each_operation_of_a_batch_fails_alone(gateway: GatewayClient) -> None:
    answer = await gateway.post(
        [{"query": "{ tariffs { id } }"}, {"query": "{ nope }"}, {"query": "{ me { msisdn } }"}]
    )
    assert "errors" not in answer.body[0]
    assert answer.body[1]["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert answer.body[2]["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_login_tries_in_a_batch_count_one_by_one(gateway: GatewayClient) -> None:
    login = 'mutation { logIn(msisdn: "+79000000001", code: "%06d") { accessToken } }'
    await gateway.query('mutation { requestLoginCode(msisdn: "+79000000001") { expiresAt } }')
    answer = await gateway.post([{"query": login % n} for n in range(10)])
    codes = [item["errors"][0]["extensions"]["code"] for item in answer.body]
    # Whatever the right code is, at most five of the ten are compared.
    assert codes.count("INVALID_CODE") <= 4
    assert codes.count("TOO_MANY_ATTEMPTS") >= 5


BALANCE_NOW = "{ me { balance { quotas { kind remaining unlimited } } } }"
SHARE_ONE_GB = 'shareData(fromMsisdn: "{f}", toMsisdn: "+79000000092", gigabytes: 1) { transferId }'


def _data_left(answer: dict[str, Any]) -> float:
    quotas = answer["data"]["me"]["balance"]["quotas"]
    return float(sum(q["remaining"] for q in quotas if q["kind"] == "DATA" and not q["unlimited"]))


@pytest.mark.parametrize(
    ("sender", "operation"),
    [
        # A mutation after a comment.
        ("+79000000094", {"query": "# give a gigabyte\nmutation { " + SHARE_ONE_GB + " }"}),
        # A mutation chosen by operationName from a document that starts with a query.
        (
            "+79000000098",
            {
                "query": "query Look { me { msisdn } } mutation Give { " + SHARE_ONE_GB + " }",
                "operationName": "Give",
            },
        ),
    ],
)
async def test_a_batch_with_a_mutation_runs_in_order_however_it_is_spelled(
    gateway: GatewayClient, sender: str, operation: dict[str, str]
) -> None:
    token = gateway.subscriber_token(sender)
    before = _data_left((await gateway.post({"query": BALANCE_NOW}, token=token)).body)
    mutation = {**operation, "query": operation["query"].replace("{f}", sender)}
    answer = await gateway.post(
        [mutation, {"query": BALANCE_NOW}],
        token=token,
        headers={"idempotency-key": f"batch-{uuid.uuid4().hex}"},
    )
    assert "errors" not in answer.body[0], answer.body[0]
    assert answer.body[0]["data"]["shareData"]["transferId"]
    # Run in the order sent, the query after the mutation sees its effect.
    assert _data_left(answer.body[1]) == pytest.approx(before - 1)
