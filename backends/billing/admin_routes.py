"""Billing's own admin routes: the ledger of top-ups, and driving a statement by hand."""

from __future__ import annotations

from aiohttp import web

from backends.billing.keys import BILLING, STATEMENT_STEPS
from backends.billing.statement_resources import statement_json
from backends.kit.errors import conflict, not_found
from backends.kit.filters import split_values
from backends.kit.responses import json_response

ALREADY_FINAL = "ALREADY_FINAL"

routes = web.RouteTableDef()


@routes.get("/admin/ledger")
async def ledger(request: web.Request) -> web.Response:
    """Every top-up that changed a balance, oldest first; ``?msisdn=A,B`` narrows it."""
    numbers = split_values(request.query.get("msisdn", "")) or None
    entries = request.app[BILLING].ledger.entries(numbers)
    return json_response([entry.to_json() for entry in entries])


@routes.post("/admin/statements/{id}/advance")
async def advance_statement(request: web.Request) -> web.Response:
    statement_id = request.match_info["id"]
    statement = request.app[BILLING].statements.statement(statement_id)
    if statement is None:
        raise not_found("customerBillOnDemand", statement_id)
    if await request.app[STATEMENT_STEPS].advance(statement_id) is None:
        raise conflict(f"{statement_id} is already {statement.state.value}", ALREADY_FINAL)
    return json_response(statement_json(statement))
