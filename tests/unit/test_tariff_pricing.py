"""A configurable tariff's fee and allowances follow the values a subscriber chose."""

from __future__ import annotations

from decimal import Decimal

from adapters.provisioning.tmf import parse_tariff
from domain.quotas import QuotaKind

OFFERING = {
    "id": "T-CONSTRUCTOR",
    "name": "Конструктор",
    "category": [{"id": "tariff"}],
    "prodSpecCharValueUse": [
        {
            "name": "minutes",
            "productSpecCharacteristicValue": [
                {"value": 100, "isDefault": True},
                {"value": 400},
            ],
        },
        {
            "name": "gigabytes",
            "productSpecCharacteristicValue": [{"value": 5, "isDefault": True}, {"value": 20}],
        },
        {"name": "sms", "productSpecCharacteristicValue": [{"value": "unlimited"}]},
    ],
    "productOfferingPrice": [
        {"priceType": "recurring", "price": {"unit": "RUB", "value": 150}},
        {
            "prodSpecCharValueUse": [
                {"name": "minutes", "productSpecCharacteristicValue": [{"value": 400}]}
            ],
            "price": {"unit": "RUB", "value": 120},
        },
        {
            "prodSpecCharValueUse": [
                {"name": "gigabytes", "productSpecCharacteristicValue": [{"value": 20}]}
            ],
            "price": {"unit": "RUB", "value": 200},
        },
    ],
}


def test_the_advertised_fee_is_the_defaults_fee() -> None:
    tariff = parse_tariff(OFFERING)
    assert tariff.configurable
    assert tariff.monthly_fee.amount == Decimal(150)
    assert {a.kind: a.amount for a in tariff.allowances} == {
        QuotaKind.DATA: 5.0,
        QuotaKind.VOICE: 100.0,
        QuotaKind.SMS: None,
    }


def test_chosen_values_change_fee_and_allowances() -> None:
    tariff = parse_tariff(OFFERING).configured({"minutes": "400", "gigabytes": "20"})
    assert tariff.monthly_fee.amount == Decimal(150 + 120 + 200)
    assert {a.kind: a.amount for a in tariff.allowances}[QuotaKind.VOICE] == 400.0
    assert next(a for a in tariff.allowances if a.kind is QuotaKind.SMS).unlimited


def test_a_value_the_catalog_does_not_allow_counts_as_the_default() -> None:
    tariff = parse_tariff(OFFERING).configured({"minutes": "999"})
    assert tariff.monthly_fee.amount == Decimal(150)
