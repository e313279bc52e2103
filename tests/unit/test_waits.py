"""Waits said as people say them, rounded up so that trying again at the time said works."""

from __future__ import annotations

import pytest

from resolvers.waits import wait_text


@pytest.mark.parametrize(
    ("seconds", "said"),
    [
        (0.2, "1 s"),
        (30, "30 s"),
        (59.5, "1 min"),
        (60, "1 min"),
        (61, "2 min"),
        (3540, "59 min"),
        (3541, "1 h"),
        (3600, "1 h"),
        (3601, "1 h 1 min"),
        (77262, "21 h 28 min"),
        (86400, "24 h"),
    ],
)
def test_wait_text(seconds: float, said: str) -> None:
    assert wait_text(seconds) == said
