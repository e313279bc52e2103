"""The simulated support system: conversations between a subscriber and the operator's
agents (TMF683 party interactions, the messages being their notes) and the trouble
tickets a conversation is escalated to (TMF621)."""
