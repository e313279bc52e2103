"""The simulated SMS gateway (TMF681), which also sends e-mail: it keeps what it "sends"
so tests and the demo can read an inbox (one-time codes, confirmations, statements)."""
