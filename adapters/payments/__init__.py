"""Payments (TMF676) and saved payment methods (TMF670): money taken from a card or a
wallet, before billing puts it on a balance."""
