"""The signature on event deliveries: ``X-Hub-Signature: sha256=<hex HMAC-SHA256 of the
raw body>`` keyed with the hub secret the sender and the listener share."""

from __future__ import annotations

import hashlib
import hmac

SIGNATURE_HEADER = "X-Hub-Signature"
_SCHEME = "sha256="


def sign(secret: str, body: bytes) -> str:
    """The header value for ``body``."""
    return _SCHEME + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def verify(secret: str, body: bytes, header: str | None) -> bool:
    """Whether ``header`` is the signature of ``body``, compared in constant time."""
    if header is None or not header.startswith(_SCHEME):
        return False
    return hmac.compare_digest(sign(secret, body), header)
