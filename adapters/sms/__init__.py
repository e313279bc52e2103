"""The SMS system: one-time codes and notifications (TMF681)."""
