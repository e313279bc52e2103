"""The simulated SMS gateway (TMF681): it keeps what it "sends" so tests and the demo can
read a number's inbox (one-time codes, confirmations)."""
