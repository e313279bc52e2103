"""Building blocks for the services' hand-written OpenAPI 3.0 documents.

Each service's ``openapi.py`` lists its own paths and schemas with these; the admin
routes, ``/openapi.json`` and the shared TMF schemas (Error, Quantity, Money, ...) are
added here once.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

Schema = dict[str, Any]
Operation = dict[str, Any]

OPENAPI_VERSION = "3.0.3"

STRING: Schema = {"type": "string"}
NUMBER: Schema = {"type": "number"}
INTEGER: Schema = {"type": "integer"}
BOOLEAN: Schema = {"type": "boolean"}
DATE_TIME: Schema = {"type": "string", "format": "date-time"}
ANY: Schema = {}


def ref(name: str) -> Schema:
    return {"$ref": f"#/components/schemas/{name}"}


def array(items: Schema) -> Schema:
    return {"type": "array", "items": items}


def obj(properties: Mapping[str, Schema], required: Sequence[str] = ()) -> Schema:
    schema: Schema = {"type": "object", "properties": dict(properties)}
    if required:
        schema["required"] = list(required)
    return schema


def entity(properties: Mapping[str, Schema]) -> Schema:
    """A TMF entity: ``id``, ``href`` and ``@type`` plus its own fields."""
    return obj({"id": STRING, "href": STRING, "@type": STRING, **properties}, ["id", "@type"])


COMMON_SCHEMAS: dict[str, Schema] = {
    "Error": obj(
        {"@type": STRING, "code": STRING, "reason": STRING, "message": STRING, "status": STRING},
        ["code", "reason"],
    ),
    "Quantity": obj({"amount": NUMBER, "units": STRING}),
    "Money": obj({"unit": STRING, "value": NUMBER}),
    "TimePeriod": obj({"startDateTime": DATE_TIME, "endDateTime": DATE_TIME}),
    "EntityRef": obj(
        {"id": STRING, "href": STRING, "name": STRING, "role": STRING, "@referredType": STRING},
        ["id"],
    ),
    "Characteristic": obj({"name": STRING, "valueType": STRING, "value": ANY}, ["name"]),
}


def _json(schema: Schema) -> dict[str, Any]:
    return {"content": {"application/json": {"schema": schema}}}


def _error(description: str) -> dict[str, Any]:
    return {"description": description, **_json(ref("Error"))}


def _query_parameter(name: str, description: str, required: bool = False) -> dict[str, Any]:
    return {
        "name": name,
        "in": "query",
        "required": required,
        "description": description,
        "schema": STRING,
    }


_PAGING = (
    {
        "name": "offset",
        "in": "query",
        "required": False,
        "schema": {"type": "integer", "minimum": 0},
    },
    {
        "name": "limit",
        "in": "query",
        "required": False,
        "schema": {"type": "integer", "minimum": 0},
    },
    _query_parameter("fields", "accepted and ignored"),
)

_ID_PARAMETER = {"name": "id", "in": "path", "required": True, "schema": STRING}


def list_operation(
    summary: str,
    item: str,
    filters: Mapping[str, str],
    required: Sequence[str] = (),
) -> Operation:
    """GET on a collection; each filter takes comma-separated values (any of them)."""
    return {
        "summary": summary,
        "parameters": [
            *_PAGING,
            *(_query_parameter(name, text, name in required) for name, text in filters.items()),
        ],
        "responses": {
            "200": {
                "description": "the matching entities",
                "headers": {
                    "X-Total-Count": {"schema": INTEGER},
                    "X-Result-Count": {"schema": INTEGER},
                },
                **_json(array(ref(item))),
            },
            "400": _error("a bad or unsupported query parameter"),
        },
    }


def get_operation(summary: str, item: str) -> Operation:
    return {
        "summary": summary,
        "parameters": [_ID_PARAMETER],
        "responses": {
            "200": {"description": "the entity", **_json(ref(item))},
            "404": _error("no entity with this id"),
        },
    }


IDEMPOTENCY_PARAMETER = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": False,
    "description": "the same key with the same body answers the first answer again "
    "(changing nothing twice); with another body it is a 409 IDEMPOTENCY_KEY_REUSED",
    "schema": STRING,
}


def create_operation(
    summary: str,
    body: Schema,
    item: str,
    *,
    status: str = "201",
    errors: Mapping[str, str] | None = None,
    idempotent: bool = False,
) -> Operation:
    """POST with a body; ``errors`` maps more statuses to what they mean (their codes)."""
    operation: Operation = {
        "summary": summary,
        "requestBody": {"required": True, **_json(body)},
        "responses": {
            status: {"description": "created" if status == "201" else "done", **_json(ref(item))},
            "400": _error("a malformed body"),
            **{code: _error(text) for code, text in (errors or {}).items()},
        },
    }
    if idempotent:
        operation["parameters"] = [IDEMPOTENCY_PARAMETER]
    return operation


def update_operation(
    summary: str, body: Schema, item: str, errors: Mapping[str, str] | None = None
) -> Operation:
    """PATCH on an entity."""
    return {
        "summary": summary,
        "parameters": [_ID_PARAMETER],
        "requestBody": {"required": True, **_json(body)},
        "responses": {
            "200": {"description": "the entity as it now is", **_json(ref(item))},
            "400": _error("a change that is not allowed"),
            "404": _error("no entity with this id"),
            **{code: _error(text) for code, text in (errors or {}).items()},
        },
    }


def action_operation(summary: str, item: str, errors: Mapping[str, str] | None = None) -> Operation:
    """POST without a body on an entity (an admin action such as advancing an order)."""
    return {
        "summary": summary,
        "parameters": [_ID_PARAMETER],
        "responses": {
            "200": {"description": "the entity after the action", **_json(ref(item))},
            "404": _error("no entity with this id"),
            **{code: _error(text) for code, text in (errors or {}).items()},
        },
    }


def admin_list_operation(summary: str, item: Schema, parameters: Mapping[str, str]) -> Operation:
    """GET on an admin route answering a plain JSON array."""
    return {
        "summary": summary,
        "parameters": [_query_parameter(name, text) for name, text in parameters.items()],
        "responses": {"200": {"description": summary, **_json(array(item))}},
    }


HUB_SCHEMAS: dict[str, Schema] = {
    "EventSubscriptionInput": obj({"callback": STRING, "query": STRING}, ["callback"]),
    "EventSubscription": obj({"id": STRING, "callback": STRING, "query": STRING}, ["id"]),
    "EventDelivery": obj(
        {
            "eventId": STRING,
            "eventType": STRING,
            "subscriptionId": STRING,
            "callback": STRING,
            "status": STRING,
            "httpStatus": INTEGER,
            "error": STRING,
            "time": DATE_TIME,
        }
    ),
}


def hub_paths(api_base: str) -> dict[str, Any]:
    """``{api_base}/hub`` (register, unregister) and ``/admin/events`` (the delivery log)."""
    return {
        f"{api_base}/hub": {
            "post": create_operation(
                "register a listener: every event (query '') or 'eventType=A,B'",
                ref("EventSubscriptionInput"),
                "EventSubscription",
                idempotent=True,
            )
        },
        f"{api_base}/hub/{{id}}": {"delete": delete_operation("unregister a listener")},
        "/admin/events": {
            "get": admin_list_operation(
                "event deliveries (what was sent where, and how it went), oldest first",
                ref("EventDelivery"),
                {},
            )
        },
    }


def delete_operation(summary: str) -> Operation:
    return {
        "summary": summary,
        "parameters": [_ID_PARAMETER],
        "responses": {
            "204": {"description": "deleted"},
            "404": _error("no entity with this id"),
        },
    }


def _admin_paths() -> dict[str, Any]:
    faults = obj(
        {
            "latency_ms": NUMBER,
            "jitter_ms": NUMBER,
            "error_rate": NUMBER,
            "hang": BOOLEAN,
            "down": BOOLEAN,
        }
    )
    counts = {"type": "object", "additionalProperties": INTEGER}
    return {
        "/admin/health": {
            "get": {
                "summary": "liveness",
                "responses": {"200": {"description": "ok", **_json(obj({"status": STRING}))}},
            }
        },
        "/admin/faults": {
            "get": {
                "summary": "the injected faults in force",
                "responses": {"200": {"description": "faults", **_json(faults)}},
            },
            "put": {
                "summary": "replace the fault fields named in the body",
                "requestBody": {"required": True, **_json(faults)},
                "responses": {
                    "200": {"description": "the faults now in force", **_json(faults)},
                    "400": _error("an unknown field or a bad value"),
                },
            },
        },
        "/admin/requests": {
            "get": {
                "summary": "requests counted per route, e.g. 'GET /tmf-api/...': 3",
                "responses": {"200": {"description": "counts", **_json(counts)}},
            },
            "delete": {
                "summary": "reset the counts",
                "responses": {"204": {"description": "reset"}},
            },
        },
    }


def openapi_document(
    title: str,
    description: str,
    paths: Mapping[str, Mapping[str, Operation]],
    schemas: Mapping[str, Schema],
) -> dict[str, Any]:
    """The whole document: the service's paths and schemas plus the shared ones."""
    own_document = {
        "get": {
            "summary": "this document",
            "responses": {"200": {"description": "OpenAPI 3.0", **_json({"type": "object"})}},
        }
    }
    return {
        "openapi": OPENAPI_VERSION,
        "info": {"title": title, "version": "4.0.0-sim", "description": description},
        "paths": {**paths, "/openapi.json": own_document, **_admin_paths()},
        "components": {"schemas": {**COMMON_SCHEMAS, **schemas}},
    }
