"""The simulated SigScale OCS: the same billing world as ``backends.billing``, in the
dialect of a real online charging system (SigScale OCS 3.4, TMF654 R17-era paths).

Subscribers are OCS services named by their digits, each with one product whose buckets
hold the money (``cents``) and the quotas (``octets``, ``seconds``, ``messages``). It
answers like the captured system (tests/ocs/captures/): amounts as unit strings,
naive timestamps, HTTP Basic auth, ``Range: items=`` paging, TMF/RFC 7807/HTML errors.
Serve it with ``python -m backends.ocs`` or ``python -m backends.billing --dialect
sigscale-ocs``; the runner starts it for ``BackendsConfig(billing_dialect="sigscale-ocs")``.
"""
