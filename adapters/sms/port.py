"""What the gateway may ask of the SMS system."""

from __future__ import annotations

from typing import Protocol


class SmsPort(Protocol):
    async def send(self, msisdn: str, text: str) -> str:
        """Send a text message; returns the message id."""
        ...
