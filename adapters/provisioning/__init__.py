"""The provisioning system: catalog (TMF620), inventory (TMF637), customers (TMF629),
linked-number permissions (TMF672)."""
