"""The simulated billing system: prepaid balance and quotas with top-ups, autopay,
gigabyte transfers and adjustments (TMF654), applied charges and statements by e-mail
(TMF678), payments (TMF676) and saved cards (TMF670)."""
