"""Reading the SMS backend's inbox, the way a person reads their phone."""

from __future__ import annotations

import re

import aiohttp

CODE = re.compile(r"\b(\d{6})\b")


async def messages(http: aiohttp.ClientSession, sms_url: str, msisdn: str) -> list[str]:
    async with http.get(f"{sms_url}/admin/messages", params={"msisdn": msisdn}) as response:
        response.raise_for_status()
        return [m["content"] for m in await response.json()]


async def last_code(http: aiohttp.ClientSession, sms_url: str, msisdn: str) -> str:
    texts = await messages(http, sms_url, msisdn)
    assert texts, f"no SMS for {msisdn}"
    found = CODE.search(texts[0])
    assert found, texts[0]
    return found.group(1)
