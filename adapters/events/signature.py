"""The hub signature: `X-Hub-Signature: sha256=<hex HMAC-SHA256 of the raw body>`."""

from __future__ import annotations

import hashlib
import hmac


def sign(secret: bytes, body: bytes) -> str:
    return "sha256=" + hmac.new(secret, body, hashlib.sha256).hexdigest()


def is_signed_by(secret: bytes, body: bytes, header: str | None) -> bool:
    """Checked on the raw bytes, before parsing, in constant time."""
    return header is not None and hmac.compare_digest(sign(secret, body), header)
