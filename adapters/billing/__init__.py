"""The billing system: balances and quotas (TMF654), charges (TMF678)."""
