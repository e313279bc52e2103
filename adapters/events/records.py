"""Events on the bus as JSON: a domain record in, the same record out (a pydantic
TypeAdapter checks what comes back; never pickle, the bus is shared)."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, TypeAdapter

from domain.events import Event

_CODEC: TypeAdapter[Event] = TypeAdapter(Annotated[Event, Field(discriminator="kind")])


def encode_event(event: Event) -> bytes:
    return _CODEC.dump_json(event)


def decode_event(payload: bytes) -> Event:
    """Raises pydantic's ValidationError on anything that is not an event."""
    return _CODEC.validate_json(payload)
