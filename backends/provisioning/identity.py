"""Password credentials (TMF720): salted hashes, checked in constant time.

A simulator needs no slow KDF, but it should not be the place that teaches storing or
comparing plain passwords. Hashes are computed on first use, so a 10,000-number world
costs nothing until someone logs in.
"""

from __future__ import annotations

import hashlib
import hmac

from backends.dataset import World


class CredentialStore:
    def __init__(self, world: World) -> None:
        self._world = world
        self._salt = hashlib.sha256(f"backends-credential-salt:{world.seed}".encode()).digest()
        self._hashes: dict[str, bytes] = {}
        # Compared against for unknown logins, so they cost what a known one does.
        self._decoy = self._hash("", "")

    def verify(self, login: str, password: str) -> bool:
        candidate = self._hash(login, password)
        expected = self._stored_hash(login)
        if expected is None:
            hmac.compare_digest(candidate, self._decoy)
            return False
        return hmac.compare_digest(candidate, expected)

    def set_password(self, msisdn: str, password: str) -> None:
        self._hashes[msisdn] = self._hash(msisdn, password)

    def _stored_hash(self, msisdn: str) -> bytes | None:
        stored = self._hashes.get(msisdn)
        if stored is None:
            subscriber = self._world.subscriber(msisdn)
            if subscriber is None:
                return None
            stored = self._hashes[msisdn] = self._hash(msisdn, subscriber.password)
        return stored

    def _hash(self, msisdn: str, password: str) -> bytes:
        return hashlib.sha256(self._salt + msisdn.encode() + b"\0" + password.encode()).digest()
