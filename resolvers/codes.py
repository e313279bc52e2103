"""One-time codes: made from a CSPRNG, kept only as keyed hashes, compared in constant time."""

from __future__ import annotations

import hashlib
import hmac
import secrets


def new_code(length: int) -> str:
    return "".join(secrets.choice("0123456789") for _ in range(length))


def code_hash(pepper: bytes, purpose: str, subject: str, code: str) -> str:
    """Keyed, so that a leaked store does not give the codes away by trying all 10^6; the
    purpose and subject are inside so that a hash is good for one place only."""
    message = f"{purpose}\0{subject}\0{code}".encode()
    return hmac.new(pepper, message, hashlib.sha256).hexdigest()


def same_hash(stored: str, offered: str) -> bool:
    return hmac.compare_digest(stored.encode(), offered.encode())


def is_well_formed(code: str, length: int) -> bool:
    return len(code) == length and code.isascii() and code.isdigit()
