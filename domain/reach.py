"""The proof of access: a `Reach` says that the request's principal may read a number.

Every field of a number hangs off a `Subscriber`, which is built only from a `Reach`; so a
new field cannot forget the check. A `Reach` is granted only by `resolvers/access.py`
(tests/unit/test_domain.py fails the build when anything else constructs one).
"""

from __future__ import annotations

from dataclasses import dataclass

from domain.principals import Principal


@dataclass(frozen=True, slots=True)
class Reach:
    """Proof that `principal` may read `msisdn`."""

    msisdn: str
    principal: Principal
