"""Saying how long to wait: a refusal of a day's budget reads "try again in 21 h 28 min",
not "in 77262 s". Rounded up, so that trying again at the time said works."""

from __future__ import annotations

import math


def wait_text(seconds: float) -> str:
    """'45 s', '12 min', '3 h', '21 h 28 min'."""
    total = max(1, math.ceil(seconds))
    if total < 60:
        return f"{total} s"
    minutes = math.ceil(total / 60)
    if minutes < 60:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes} min" if minutes else f"{hours} h"


def try_again_in(seconds: float) -> str:
    return f"try again in {wait_text(seconds)}"
