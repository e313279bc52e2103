"""Events travel the bus as domain records: what is published comes back equal, and
anything else is refused rather than half-read."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from pydantic import ValidationError

from adapters.events.records import decode_event, encode_event
from domain.events import BalanceChanged, Event, MessagePosted, OrderUpdated
from domain.provisioning import OrderAction, OrderItemRecord, OrderRecord, OrderState
from domain.support import MessageRecord

AT = datetime(2026, 12, 6, 10, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    "event",
    [
        BalanceChanged("+79000000001", "ev-1"),
        OrderUpdated(
            OrderRecord(
                "O-1",
                "+79000000001",
                OrderState.COMPLETED,
                (OrderItemRecord(OrderAction.ADD, "SRV-MUSIC", "Музыка"),),
                AT,
                AT,
                None,
            )
        ),
        MessagePosted(MessageRecord("N-1", "PI-5", "agent:olga", "Перезагрузите телефон", AT)),
    ],
)
def test_an_event_comes_back_as_it_was_published(event: Event) -> None:
    assert decode_event(encode_event(event)) == event


@pytest.mark.parametrize("payload", [b"{}", b'{"kind": "balance"}', b"[]", b"not json"])
def test_anything_else_is_refused(payload: bytes) -> None:
    with pytest.raises(ValidationError):
        decode_event(payload)
