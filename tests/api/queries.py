"""The queries the clients send, shared by the tests (and shown in the README)."""

from __future__ import annotations

SUBSCRIBER_FIELDS = """
  msisdn name region
  balance {
    money { amount currency }
    quotas { kind remaining total unit unlimited validUntil }
    nextChargeAt nextChargeAmount { amount currency } updatedAt stale
  }
  tariff {
    id name monthlyFee { amount currency }
    allowances { kind amount unit unlimited } configurable
  }
  services { id name category status fee { amount currency } }
  expenses { category amount { amount currency } }
  linkedNumbers { msisdn alias status }
  offers { id partner title kind activated promoCode }
"""

HOME_SCREEN = "query HomeScreen { me { " + SUBSCRIBER_FIELDS + " } }"

DASHBOARD = (
    "query Dashboard($msisdns: [Msisdn!]!) { subscribers(msisdns: $msisdns) { "
    + SUBSCRIBER_FIELDS
    + " } }"
)

LINKED = """
query Linked {
  me { linkedNumbers { msisdn alias subscriber {
    msisdn balance { money { amount } } tariff { name } services { name }
  } } }
}
"""

BALANCE = "query Balance { me { balance { money { amount currency } updatedAt stale } } }"

SUBSCRIBER_BALANCE = (
    "query One($m: Msisdn!) { subscriber(msisdn: $m) { msisdn balance { money { amount } } } }"
)
