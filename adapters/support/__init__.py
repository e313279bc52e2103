"""The support system: conversations (TMF683 Party Interaction) and trouble tickets (TMF621)."""
