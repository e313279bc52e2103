"""The OpenAPI document of the simulated OCS's subset (served at /openapi.json).

``BUCKET_FILTERS`` is also what the bucket listing accepts: one table, so the document
and the service cannot disagree.
"""

from __future__ import annotations

from typing import Any

from backends.kit.openapi import (
    BOOLEAN,
    STRING,
    Operation,
    Schema,
    array,
    obj,
    openapi_document,
    ref,
)
from backends.ocs.resources import BALANCE, PRODUCT_INVENTORY, SERVICE_INVENTORY

BUCKET_FILTERS = {
    "product.id": "the buckets of one product (no comma lists: one call per product)",
    "id": "one bucket",
    # No query finds a bucket by name (the captured system ignores `name`): `fields` only
    # trims each bucket to href, id and name, for a client to look for a name itself.
    "fields": "a comma list of the fields to keep (href always); e.g. id,name",
}

_OCS_TIME: Schema = {
    "type": "string",
    "description": "UTC without a zone: 2026-11-01T00:00:00.000 (a 'Z' is a 400)",
}
_REF = obj({"id": STRING, "href": STRING})
_ID = {"name": "id", "in": "path", "required": True, "schema": STRING}
_RANGE = {
    "name": "Range",
    "in": "header",
    "required": False,
    "description": "items=<first>-<last>, 1-based (a page holds at most 1000 items)",
    "schema": STRING,
}
_IF_MATCH = {
    "name": "If-Match",
    "in": "header",
    "required": False,
    "description": "the Etag of the listing's first page, to continue that listing",
    "schema": STRING,
}

_SCHEMAS: dict[str, Schema] = {
    "OcsQuantity": obj(
        {
            "amount": {
                "type": "string",
                "description": "'412.5' (cents: currency units), '5000000000b', '900s', '50msg'",
            },
            "units": {"type": "string", "enum": ["cents", "octets", "seconds", "messages"]},
        }
    ),
    "OcsPeriod": obj({"startDateTime": _OCS_TIME, "endDateTime": _OCS_TIME}),
    "Service": obj(
        {
            "id": STRING,
            "href": STRING,
            "state": STRING,
            "product": {"type": "string", "description": "the product id"},
            "isServiceEnabled": BOOLEAN,
            "serviceCharacteristic": array(obj({"name": STRING, "value": {}})),
        }
    ),
    "Product": obj(
        {
            "id": STRING,
            "href": STRING,
            "startDate": _OCS_TIME,
            "productOffering": obj({"id": STRING, "href": STRING, "name": STRING}),
            "balance": array(
                obj({"name": STRING, "totalBalance": obj({"amount": {}, "units": STRING})})
            ),
            "realizingService": array(_REF),
        }
    ),
    "Bucket": obj(
        {
            "id": STRING,
            "href": STRING,
            "validFor": ref("OcsPeriod"),
            "remainedAmount": ref("OcsQuantity"),
            "product": _REF,
        }
    ),
    "AccumulatedBalance": obj(
        {
            "id": STRING,
            "href": STRING,
            "totalBalance": array(ref("OcsQuantity")),
            "buckets": array(_REF),
            "product": array(_REF),
        }
    ),
    "Hub": obj({"callback": STRING, "id": STRING, "href": STRING}),
    "TopUp": obj(
        {
            "type": STRING,
            "name": STRING,
            "channel": obj({"name": STRING}),
            "amount": ref("OcsQuantity"),
            "validFor": ref("OcsPeriod"),
        },
        ["amount"],
    ),
}


def _json(schema: Schema) -> dict[str, Any]:
    return {"content": {"application/json": {"schema": schema}}}


def _error(description: str) -> dict[str, Any]:
    return {"description": description, **_json(ref("Error"))}


def _get(summary: str, item: str) -> Operation:
    return {
        "summary": summary,
        "parameters": [_ID],
        "responses": {
            "200": {"description": "found", **_json(ref(item))},
            "404": _error("unknown id"),
        },
    }


def _top_up(summary: str, unknown: dict[str, Any]) -> Operation:
    return {
        "summary": summary,
        "parameters": [_ID],
        "requestBody": {"required": True, **_json(ref("TopUp"))},
        "responses": {
            "201": {"description": "the new bucket", **_json(ref("Bucket"))},
            "400": _error("a malformed body, or a timestamp with a zone"),
            "415": _error("a body that is not application/json"),
            **unknown,
        },
    }


_LIST_BUCKETS: Operation = {
    "summary": "buckets, paged by Range; one product's with product.id",
    "parameters": [
        _RANGE,
        _IF_MATCH,
        *(
            {"name": name, "in": "query", "required": False, "description": text, "schema": STRING}
            for name, text in BUCKET_FILTERS.items()
        ),
    ],
    "responses": {
        "200": {
            "description": "a page of buckets",
            "headers": {
                "Content-Range": {"schema": STRING, "description": "items 1-4/4"},
                "Accept-Ranges": {"schema": STRING},
                "Etag": {"schema": STRING},
            },
            **_json(array(ref("Bucket"))),
        },
        "400": _error("a bad Range or an unsupported query parameter"),
        "412": _error("If-Match names no listing (expired)"),
        "416": _error("the range starts past the end"),
    },
}

OPENAPI = openapi_document(
    "SigScale OCS billing (simulated)",
    "The SigScale OCS 3.4 balance subset the gateway uses: HTTP Basic auth on all but "
    "/health, Range paging, amounts as unit strings, naive UTC timestamps.",
    {
        "/health": {
            "get": {"summary": "liveness (no auth)", "responses": {"200": {"description": "ok"}}}
        },
        f"{SERVICE_INVENTORY}/service/{{id}}": {
            "get": _get("a subscriber: its id is the MSISDN's digits", "Service")
        },
        f"{PRODUCT_INVENTORY}/product/{{id}}": {"get": _get("a product and its totals", "Product")},
        f"{BALANCE}/bucket": {"get": _LIST_BUCKETS},
        f"{BALANCE}/bucket/{{id}}": {
            "get": _get("one bucket", "Bucket"),
            "delete": {
                "summary": "take back exactly this bucket (what is left of it)",
                "parameters": [_ID],
                "responses": {
                    "204": {"description": "deleted (an empty text/html body)"},
                    "404": _error("no such bucket (deleted already)"),
                },
            },
        },
        f"{BALANCE}/product/{{id}}/accumulatedBalance": {
            "get": _get("a product's totals per unit", "AccumulatedBalance")
        },
        f"{BALANCE}/service/{{id}}/accumulatedBalance": {
            "get": _get("a service's totals per unit", "AccumulatedBalance")
        },
        f"{BALANCE}/product/{{id}}/balanceTopup": {
            "post": _top_up(
                "credit a product with a new bucket",
                {"500": {"description": "an unknown product (the real system's known fault)"}},
            )
        },
        f"{BALANCE}/service/{{id}}/balanceTopup": {
            "post": _top_up(
                "credit a service's product with a new bucket", {"404": _error("unknown service")}
            )
        },
        f"{BALANCE}/hub": {
            "post": {
                "summary": "register a listener: each bucket created or deleted is POSTed to "
                "its callback with the Authorization this came with (nothing signed); a "
                "delivery that fails drops the hub",
                "requestBody": {
                    "required": True,
                    **_json(obj({"callback": STRING}, ["callback"])),
                },
                "responses": {
                    "201": {"description": "registered", **_json(ref("Hub"))},
                    "400": _error("no callback"),
                },
            },
            "get": {
                "summary": "the registered hubs",
                "responses": {"200": {"description": "every hub", **_json(array(ref("Hub")))}},
            },
        },
        f"{BALANCE}/hub/{{id}}": {
            "delete": {
                "summary": "unregister",
                "parameters": [_ID],
                "responses": {
                    "204": {"description": "deleted (an empty text/html body)"},
                    "404": _error("no such hub"),
                },
            }
        },
    },
    _SCHEMAS,
)
