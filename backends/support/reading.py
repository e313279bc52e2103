"""Reading the support routes' request bodies: the customer reference, texts (bounded,
since everything is kept in memory), the first message of a new conversation and the
conversation a ticket refers to. Malformed input is a 400 ``BAD_REQUEST``."""

from __future__ import annotations

from typing import Any

from backends.kit.bodies import optional_string, required_string, resource_id
from backends.kit.errors import bad_request
from backends.support.resources import CONVERSATION_ROLE, CUSTOMER_ROLE

MAX_TEXT_LENGTH = 4_000  # a note's text, a ticket's description
MAX_TITLE_LENGTH = 200  # a reason, a ticket's name or type


def customer(body: dict[str, Any]) -> str:
    """The MSISDN in ``relatedParty: [{"id": "+79...", "role": "customer"}]``."""
    msisdn = resource_id(body, "relatedParty").strip()
    _require_role(_single_ref(body, "relatedParty"), "relatedParty", CUSTOMER_ROLE)
    return msisdn


def conversation_ref(body: dict[str, Any]) -> str:
    """The conversation id in ``relatedEntity: [{"id": "PI-3", "role": "conversation",
    "@referredType": "PartyInteraction"}]`` (role and type may be left out)."""
    conversation_id = resource_id(body, "relatedEntity").strip()
    ref = _single_ref(body, "relatedEntity")
    _require_role(ref, "relatedEntity", CONVERSATION_ROLE)
    referred = ref.get("@referredType")
    if referred is not None and referred != "PartyInteraction":
        raise bad_request(f"a ticket refers to a 'PartyInteraction', not a {referred!r}")
    return conversation_id


def text(body: dict[str, Any], name: str, limit: int = MAX_TEXT_LENGTH) -> str:
    value = required_string(body, name).strip()
    if not value:
        raise bad_request(f"{name!r} must not be blank")
    return _bounded(value, name, limit)


def optional_text(body: dict[str, Any], name: str, limit: int = MAX_TEXT_LENGTH) -> str | None:
    value = optional_string(body, name)
    if value is None or not value.strip():
        return None
    return _bounded(value.strip(), name, limit)


def first_message(body: dict[str, Any]) -> tuple[str | None, str] | None:
    """``note: [{"text": "...", "author": "..."}]`` of a new conversation: at most one
    note, its author optional (the subscriber)."""
    notes = body.get("note")
    if notes is None or notes == []:
        return None
    if not isinstance(notes, list) or len(notes) != 1 or not isinstance(notes[0], dict):
        raise bad_request("'note' must list at most one note, the first message")
    note: dict[str, Any] = notes[0]
    return optional_string(note, "author"), text(note, "text")


def _single_ref(body: dict[str, Any], name: str) -> dict[str, Any]:
    # resource_id has already checked the shape: a list of one object or an object.
    value = body[name]
    ref: dict[str, Any] = value[0] if isinstance(value, list) else value
    return ref


def _require_role(ref: dict[str, Any], name: str, role: str) -> None:
    given = ref.get("role")
    if given is not None and given != role:
        raise bad_request(f"the {name} role must be {role!r}, not {given!r}")


def _bounded(value: str, name: str, limit: int) -> str:
    if len(value) > limit:
        raise bad_request(f"{name!r} is longer than {limit} characters")
    return value
