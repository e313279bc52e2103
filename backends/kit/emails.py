"""E-mail addresses in request bodies: a plausibility check, not RFC 5322 (a simulator
only needs to turn away what is plainly not an address)."""

from __future__ import annotations

import re

from backends.kit.errors import invalid

INVALID_EMAIL = "INVALID_EMAIL"
_ADDRESS = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]+")
MAX_LENGTH = 254


def is_email(text: str) -> bool:
    return len(text) <= MAX_LENGTH and _ADDRESS.fullmatch(text) is not None


def checked_email(value: object, name: str = "email") -> str:
    """``value`` as an address; a 400 ``INVALID_EMAIL`` when it is not one."""
    if not isinstance(value, str) or not is_email(value.strip()):
        raise invalid(INVALID_EMAIL, f"{name!r} must be an e-mail address, not {value!r}")
    return value.strip()
