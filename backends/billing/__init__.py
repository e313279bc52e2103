"""The simulated billing system: prepaid balance and quotas (TMF654) and applied
charges (TMF678)."""
