"""Billing over HTTP, SigScale OCS dialect (TMF654 R17-era balance management).

SigScale OCS is an open-source online charging system. Its REST API predates the TM Forum
v4 specs the rest of the gateway speaks, so it gets an adapter of its own: the subscriber's
product from service inventory, its buckets from balance management, amounts as unit
strings (``"412.5"`` cents, ``"5000000000b"`` octets, ``"900s"``, ``"50msg"``), naive
timestamps, HTTP Basic auth, ``Range: items=`` paging and no batch filter. What the
system cannot tell (charge history, quota totals, unlimited allowances) is documented in
docs/backends.md ("SigScale OCS dialect") and comes back as None or empty, never invented.
"""

from adapters.billing.ocs.billing import OcsBilling, build_ocs_billing

__all__ = ["OcsBilling", "build_ocs_billing"]
