"""A line an outage repeats on every request is said once an interval, with a count."""

from __future__ import annotations

import logging

import pytest

from adapters.repeated_log import RepeatedLog


def test_once_an_interval_with_the_count_held_back(caplog: pytest.LogCaptureFixture) -> None:
    now = [0.0]
    say = RepeatedLog(logging.getLogger("test.repeated"), logging.WARNING, 10.0, lambda: now[0])
    with caplog.at_level(logging.WARNING, logger="test.repeated"):
        for moment in (0.0, 1.0, 2.0, 9.9, 10.0, 10.5, 25.0):
            now[0] = moment
            say("store down: %s", "refused")
    assert [r.getMessage() for r in caplog.records] == [
        "store down: refused",
        "store down: refused (and 3 more like it since the last)",
        "store down: refused (and 1 more like it since the last)",
    ]
