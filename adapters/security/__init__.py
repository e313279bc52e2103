"""Security state: one-time codes, attempt counters, refresh-token sessions, pending
links. In Redis so that every gateway process shares it; in process for the demo."""
