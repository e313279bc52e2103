"""The loyalty system: partner offers (TMF671) and activations (TMF658)."""
