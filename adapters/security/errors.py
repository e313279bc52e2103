"""Security state cannot be trusted when its store is unreachable: such operations fail
closed with this error instead of letting an attempt through uncounted."""

from __future__ import annotations


class SecurityStoreUnavailableError(Exception):
    code = "TEMPORARILY_UNAVAILABLE"
