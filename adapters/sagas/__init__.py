"""The durable log of sagas (changes across two systems, such as a card and a balance):
each saga's record, written before each step acts, an index of the open ones, and leases
so that one process at a time drives a saga."""
