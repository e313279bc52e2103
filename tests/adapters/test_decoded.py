"""Cache entries decoded once per process (adapters/cache/decoded.py)."""

from __future__ import annotations

import orjson

from adapters.cache.decoded import Decoded


def test_the_same_bytes_are_decoded_once_and_other_bytes_afresh() -> None:
    decoded_from: list[bytes] = []

    def decode(raw: bytes) -> object:
        decoded_from.append(raw)
        return orjson.loads(raw)

    decoded = Decoded(decode, size=2)
    first = decoded(b"[1, 2]")
    assert decoded(bytearray(b"[1, 2]").decode().encode()) is first
    assert first == (1, 2), "a list is kept as a tuple: no reader can change another's"
    assert decoded(b"[1, 3]") == (1, 3)
    assert decoded_from == [b"[1, 2]", b"[1, 3]"]

    # At most two kept: a third drops the oldest, which is then decoded again.
    assert decoded(b'{"a": 1}') == {"a": 1}
    assert decoded(b"[1, 3]") == (1, 3)
    decoded(b"[1, 2]")
    assert decoded_from == [b"[1, 2]", b"[1, 3]", b'{"a": 1}', b"[1, 2]"]
