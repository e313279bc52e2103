"""The simulated provisioning system: the product catalogue (TMF620), what each number
has (TMF637), product orders that change it (TMF622), customers (TMF629), linked-number
permissions (TMF672) and password checks (TMF720)."""
