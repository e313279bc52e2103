"""The domain core: the words of a mobile operator's personal account (money, numbers,
quotas, who is asking, the records read from and written to the operator's systems).

Depends on nothing of the gateway and nothing of the network; adapters produce these
records, resolvers decide with them, the schema maps them."""
