"""The early refresh policy: every entry's refresh moment lies in the last part of its
TTL, is the same in every process, and entries written together spread over the window."""

from __future__ import annotations

import pytest

from adapters.cache.early import EarlyRefresh, Freshness, stamp, unstamp

TTL = 60.0
WRITTEN = 1_800_000_000.0


def test_entries_written_together_spread_over_the_whole_window() -> None:
    policy = EarlyRefresh(0.25)
    keys = [f"tgw:products:r2:+7900{n:07d}" for n in range(2000)]
    moments = [policy.refresh_at(k, WRITTEN, TTL) for k in keys]
    start, end = WRITTEN + TTL * 0.75, WRITTEN + TTL
    assert all(start <= m < end for m in moments)
    assert len(set(moments)) > 0.99 * len(keys), "distinct moments, not one for all"
    # Ten equal parts of the window each hold about a tenth (expected 200, sd ~13).
    parts = [0] * 10
    for moment in moments:
        parts[int((moment - start) / (end - start) * 10)] += 1
    assert min(parts) > 120, parts
    assert max(parts) < 280, parts


def test_every_process_computes_the_same_moment_for_an_entry() -> None:
    one, other = EarlyRefresh(0.25), EarlyRefresh(0.25)
    assert one.refresh_at("k", WRITTEN, TTL) == other.refresh_at("k", WRITTEN, TTL)
    # Written again, the same key gets a moment of its own: refreshes do not lock step.
    assert one.refresh_at("k", WRITTEN, TTL) - WRITTEN != one.refresh_at(
        "k", WRITTEN + 45.0, TTL
    ) - (WRITTEN + 45.0)


def test_fresh_then_due_then_expired() -> None:
    policy = EarlyRefresh(0.25)
    moment = policy.refresh_at("k", WRITTEN, TTL)
    assert policy.freshness("k", WRITTEN, TTL, moment - 0.001) is Freshness.FRESH
    assert policy.freshness("k", WRITTEN, TTL, moment) is Freshness.DUE
    assert policy.freshness("k", WRITTEN, TTL, WRITTEN + TTL) is Freshness.EXPIRED
    off = EarlyRefresh(0.0)
    assert off.freshness("k", WRITTEN, TTL, WRITTEN + TTL - 0.001) is Freshness.FRESH


def test_a_fraction_outside_zero_to_one_is_refused() -> None:
    with pytest.raises(ValueError, match="fraction"):
        EarlyRefresh(1.0)
    with pytest.raises(ValueError, match="fraction"):
        EarlyRefresh(-0.1)


def test_stamped_entries_read_back_and_others_are_misses() -> None:
    assert unstamp(stamp(WRITTEN, b'{"a": 1}')) == (WRITTEN, b'{"a": 1}')
    assert unstamp(b'{"an older layout": true}') is None
    assert unstamp(b"not a moment\n{}") is None
