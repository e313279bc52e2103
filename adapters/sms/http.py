"""SMS over HTTP, TM Forum v4 (TMF681 communicationMessage)."""

from __future__ import annotations

from adapters.http import BackendClient
from adapters.tmf import parsing

COMMUNICATION_API = "/tmf-api/communicationManagement/v4"


class HttpSms:
    def __init__(self, client: BackendClient, sender: str) -> None:
        self._client = client
        self._sender = sender

    async def send(self, msisdn: str, text: str) -> str:
        message = await self._client.post(
            f"{COMMUNICATION_API}/communicationMessage",
            {
                "@type": "CommunicationMessage",
                "type": "SMS",
                "content": text,
                "receiver": [{"phoneNumber": msisdn}],
                "sender": {"name": self._sender},
            },
        )
        with parsing(self._client.name, "communicationMessage"):
            return str(message["id"])
