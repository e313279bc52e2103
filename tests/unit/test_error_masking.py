"""Unexpected errors reach the client as "internal error" with the request id; the cause,
with its stack, goes to the log under the same id."""

from __future__ import annotations

import logging

import pytest
from graphql import GraphQLError

from adapters.errors import BackendUnavailableError
from gateway.errors import format_error


def _raised(error: Exception) -> Exception:
    try:
        raise error
    except Exception as caught:
        return caught


def test_an_unexpected_error_is_masked(caplog: pytest.LogCaptureFixture) -> None:
    cause = _raised(RuntimeError("SELECT * FROM subscribers WHERE http://billing.internal:8101"))
    error = GraphQLError("boom", path=["me", "balance"], original_error=cause)
    with caplog.at_level(logging.ERROR, logger="gateway.errors"):
        shown = format_error(error, "req-12345678", executed=True)

    assert shown["message"] == "internal error"
    assert shown["extensions"] == {"code": "INTERNAL_SERVER_ERROR", "requestId": "req-12345678"}
    assert "SELECT" not in str(shown)
    assert "billing.internal" not in str(shown)
    record = caplog.records[-1]
    assert "req-12345678" in record.getMessage()
    assert record.exc_info is not None
    assert record.exc_info[1] is cause


def test_a_backend_failure_names_the_backend_not_its_url() -> None:
    cause = BackendUnavailableError("billing", "GET http://10.1.2.3:8101/bucket: refused")
    shown = format_error(GraphQLError("x", original_error=cause), "req-12345678", executed=True)
    assert shown["extensions"]["code"] == "BACKEND_UNAVAILABLE"
    assert shown["extensions"]["backend"] == "billing"
    assert "10.1.2.3" not in shown["message"]
