"""The GraphQL-over-HTTP spec's table, row by row, for both media types: what the
client's `Accept` gets as `content-type`, and the status of each kind of answer.

`application/graphql-response+json`: request errors (a body or parameters that are not a
GraphQL request, a document that does not parse or validate, no operation to run, a
variable that cannot be coerced) are 4xx; an operation that ran is 2xx, field errors or
not. `application/json` (and no `Accept` at all): today's behaviour, 200 once the body is
a GraphQL request."""

from __future__ import annotations

from typing import Any

import pytest

from gateway.media import GRAPHQL_RESPONSE, JSON, Parts, negotiate
from tests.harness.gateway import Answer, GatewayClient

NUMBER = "+79000000005"
OTHER = "+79000000006"
BOTH = f"{GRAPHQL_RESPONSE}, {JSON};q=0.9"


async def _post(
    gateway: GatewayClient, accept: str | None, body: Any = None, raw: bytes | None = None
) -> Answer:
    headers = {"accept": accept} if accept is not None else {}
    return await gateway.post(
        body, raw=raw, headers=headers, token=gateway.subscriber_token(NUMBER)
    )


@pytest.mark.parametrize(
    ("accept", "content_type"),
    [
        (GRAPHQL_RESPONSE, f"{GRAPHQL_RESPONSE}; charset=utf-8"),
        (BOTH, f"{GRAPHQL_RESPONSE}; charset=utf-8"),
        (f"{JSON}, {GRAPHQL_RESPONSE};q=0.5", JSON),
        (JSON, JSON),
        (None, JSON),
        ("*/*", JSON),
        # Nothing the gateway writes: the spec lets it answer its default type.
        ("text/html", JSON),
    ],
)
async def test_the_media_type_is_the_one_accepted(
    gateway: GatewayClient, accept: str | None, content_type: str
) -> None:
    answer = await _post(gateway, accept, {"query": "{ me { msisdn } }"})
    assert answer.status == 200
    assert answer.headers["content-type"] == content_type
    assert answer.data == {"me": {"msisdn": NUMBER}}


# (what is wrong, the body, the status as graphql-response+json, as json, the code)
REQUEST_ERRORS = [
    ("body is not JSON", b"{not json", 400, 400, "BAD_REQUEST"),
    ("query is not a string", {"query": 5}, 400, 400, "BAD_REQUEST"),
    ("document does not parse", {"query": "{ me { "}, 400, 200, "GRAPHQL_PARSE_FAILED"),
    ("document does not validate", {"query": "{ me { nope } }"}, 400, 200, None),
    (
        "no such operation",
        {"query": "query A { me { msisdn } }", "operationName": "B"},
        400,
        200,
        "GRAPHQL_VALIDATION_FAILED",
    ),
    (
        "variable cannot be coerced",
        {
            "query": "query($m: Msisdn!) { subscriber(msisdn: $m) { msisdn } }",
            "variables": {"m": 42},
        },
        400,
        200,
        "BAD_USER_INPUT",
    ),
    (
        "variable missing",
        {"query": "query($m: Msisdn!) { subscriber(msisdn: $m) { msisdn } }"},
        400,
        200,
        "BAD_USER_INPUT",
    ),
]


@pytest.mark.parametrize(
    ("what", "body", "spec_status", "json_status", "code"),
    REQUEST_ERRORS,
    ids=[row[0] for row in REQUEST_ERRORS],
)
async def test_request_errors(
    gateway: GatewayClient,
    what: str,
    body: Any,
    spec_status: int,
    json_status: int,
    code: str | None,
) -> None:
    raw = body if isinstance(body, bytes) else None
    sent = None if raw is not None else body
    as_spec = await _post(gateway, GRAPHQL_RESPONSE, sent, raw)
    as_json = await _post(gateway, JSON, sent, raw)
    assert as_spec.status == spec_status
    assert as_json.status == json_status
    for answer in (as_spec, as_json):
        assert "data" not in answer.body
        if code is not None:
            assert answer.codes == [code]
        else:
            assert answer.codes  # validation: a code of its own per rule
    assert as_spec.headers["content-type"].startswith(GRAPHQL_RESPONSE)


async def test_field_errors_are_2xx_with_data(gateway: GatewayClient) -> None:
    query = f'{{ me {{ msisdn }} subscriber(msisdn: "{OTHER}") {{ msisdn }} }}'
    for accept in (GRAPHQL_RESPONSE, JSON):
        answer = await _post(gateway, accept, {"query": query})
        assert answer.status == 200
        assert answer.data == {"me": {"msisdn": NUMBER}, "subscriber": None}
        assert answer.codes == ["FORBIDDEN"]


async def test_a_mutation_by_get_is_405_and_an_unsupported_body_415(
    gateway: GatewayClient,
) -> None:
    headers = {"accept": GRAPHQL_RESPONSE}
    async with gateway.session.get(
        f"{gateway.url}/graphql",
        params={"query": 'mutation { unlinkNumber(msisdn: "+79000000006") }'},
        headers=headers,
    ) as response:
        assert response.status == 405
        assert response.headers["content-type"].startswith(GRAPHQL_RESPONSE)
    async with gateway.session.post(
        f"{gateway.url}/graphql",
        data=b"query=%7B%20me%20%7B%20msisdn%20%7D%20%7D",
        headers={**headers, "content-type": "application/x-www-form-urlencoded"},
    ) as response:
        assert response.status == 415


def test_the_accept_header_is_read_with_its_qualities() -> None:
    assert negotiate(None).whole == JSON
    assert negotiate(f"{JSON};q=0.5, {GRAPHQL_RESPONSE}").whole == GRAPHQL_RESPONSE
    assert negotiate(f"{GRAPHQL_RESPONSE};q=0, {JSON}").whole == JSON
    assert negotiate("multipart/mixed;deferSpec=20220824, application/json").parts is Parts.APOLLO
    assert negotiate('multipart/mixed; deferSpec="20220824"').parts is Parts.APOLLO
    assert negotiate("multipart/mixed").parts is Parts.GRAPHQL_JS
    assert negotiate("application/json").parts is None
