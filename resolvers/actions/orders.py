"""Changes of what a number has, as TMF622 orders: services, tariff, packages."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from adapters.cache.number_reads import NumberRead
from domain.money import Money
from domain.provisioning import (
    CatalogRecord,
    OrderAction,
    OrderItemSpec,
    OrderRecord,
    OrderState,
    ProductStatus,
    TariffRecord,
)
from domain.quotas import QuotaKind
from domain.reach import Reach
from resolvers.actions.outcome import ActionResult, UserErrorRecord, backend_key, refuse
from resolvers.actions.perform import perform
from resolvers.changes import changing
from resolvers.context import Context
from resolvers.errors import NotFoundError
from resolvers.tariffs import current_tariff

_LIVE = frozenset({ProductStatus.ACTIVE, ProductStatus.PENDING_ACTIVE, ProductStatus.CREATED})


async def _place(
    ctx: Context, who: Reach, mutation: str, key: str, items: Sequence[OrderItemSpec]
) -> ActionResult:
    # Packages and tariff changes move quotas and money: the balance is now wrong too.
    async with changing(ctx, [who.msisdn], NumberRead.PRODUCTS, NumberRead.BALANCE):
        order = await ctx.ports.provisioning.place_order(
            who.msisdn, items, backend_key(ctx, mutation, key, "order")
        )
    values = {"orderId": order.id, "orderState": order.state.value}
    if order.state is OrderState.FAILED:
        code = order.failure or "ORDER_FAILED"
        reason = "not enough on the balance" if code == "INSUFFICIENT_BALANCE" else code
        error = UserErrorRecord(code if code == "INSUFFICIENT_BALANCE" else "ORDER_FAILED", reason)
        return ActionResult(who.msisdn, values, (error,))
    return ActionResult(who.msisdn, values)


async def _catalog(ctx: Context) -> CatalogRecord:
    return await ctx.ports.provisioning.catalog()


async def _connected(ctx: Context, msisdn: str) -> set[str]:
    products = await ctx.loaders.products_by_msisdn.load(msisdn)
    return {p.offering_id for p in products if p.status in _LIVE}


async def connect_service(
    ctx: Context, msisdn: str, service_id: str, key: str | None
) -> ActionResult:
    async def act(who: Reach, resolved: str) -> ActionResult:
        service = (await _catalog(ctx)).service(service_id)
        if service is None:
            raise refuse("NOT_FOUND", "no such service", "serviceId")
        tariff = await current_tariff(ctx, who)
        if service.available_for and (tariff is None or tariff.id not in service.available_for):
            raise refuse(
                "SERVICE_NOT_AVAILABLE", "this service is not available on your tariff", "serviceId"
            )
        if service_id in await _connected(ctx, msisdn):
            raise refuse("ALREADY_CONNECTED", "this service is already connected", "serviceId")
        item = OrderItemSpec(OrderAction.ADD, service_id)
        return await _place(ctx, who, "connectService", resolved, [item])

    return await perform(ctx, "connectService", msisdn, key, {"serviceId": service_id}, act)


async def disconnect_service(
    ctx: Context, msisdn: str, service_id: str, key: str | None
) -> ActionResult:
    async def act(who: Reach, resolved: str) -> ActionResult:
        products = await ctx.loaders.products_by_msisdn.load(msisdn)
        if not any(
            p.offering_id == service_id and p.status is ProductStatus.ACTIVE for p in products
        ):
            raise refuse("NOT_CONNECTED", "this service is not connected", "serviceId")
        item = OrderItemSpec(OrderAction.DELETE, service_id)
        return await _place(ctx, who, "disconnectService", resolved, [item])

    return await perform(ctx, "disconnectService", msisdn, key, {"serviceId": service_id}, act)


@dataclass(frozen=True, slots=True)
class TariffChangePreview:
    tariff: TariffRecord
    change_fee: Money
    current: TariffRecord | None


async def preview_tariff_change(ctx: Context, who: Reach, tariff_id: str) -> TariffChangePreview:
    target = (await _catalog(ctx)).tariff(tariff_id)
    if target is None:
        raise NotFoundError("no such tariff")
    return TariffChangePreview(
        tariff=target,
        change_fee=target.change_fee or Money.zero(target.monthly_fee.currency),
        current=await current_tariff(ctx, who),
    )


async def change_tariff(ctx: Context, msisdn: str, tariff_id: str, key: str | None) -> ActionResult:
    async def act(who: Reach, resolved: str) -> ActionResult:
        target = (await _catalog(ctx)).tariff(tariff_id)
        if target is None:
            raise refuse("NOT_FOUND", "no such tariff", "tariffId")
        current = await current_tariff(ctx, who)
        if current is not None and current.id == tariff_id:
            raise refuse("SAME_TARIFF", "this is your tariff already", "tariffId")
        item = OrderItemSpec(OrderAction.MODIFY, tariff_id)
        return await _place(ctx, who, "changeTariff", resolved, [item])

    return await perform(ctx, "changeTariff", msisdn, key, {"tariffId": tariff_id}, act)


async def configure_tariff(
    ctx: Context, msisdn: str, minutes: int, gigabytes: int, key: str | None
) -> ActionResult:
    async def act(who: Reach, resolved: str) -> ActionResult:
        catalog = await _catalog(ctx)
        configurable = next((t for t in catalog.tariffs if t.options is not None), None)
        if configurable is None or configurable.options is None:
            raise refuse("NOT_FOUND", "there is no configurable tariff")
        errors = []
        if minutes not in {o.value for o in configurable.options.minutes}:
            errors.append(
                UserErrorRecord("VALUE_NOT_ALLOWED", _allowed(configurable, "minutes"), "minutes")
            )
        if gigabytes not in {o.value for o in configurable.options.gigabytes}:
            errors.append(
                UserErrorRecord(
                    "VALUE_NOT_ALLOWED", _allowed(configurable, "gigabytes"), "gigabytes"
                )
            )
        if errors:
            return ActionResult(msisdn, user_errors=tuple(errors))
        item = OrderItemSpec(
            OrderAction.MODIFY,
            configurable.id,
            (("minutes", minutes), ("gigabytes", gigabytes)),
        )
        return await _place(ctx, who, "configureTariff", resolved, [item])

    inputs = {"minutes": minutes, "gigabytes": gigabytes}
    return await perform(ctx, "configureTariff", msisdn, key, inputs, act)


def _allowed(tariff: TariffRecord, name: str) -> str:
    assert tariff.options is not None
    options = tariff.options.minutes if name == "minutes" else tariff.options.gigabytes
    return f"allowed: {', '.join(str(o.value) for o in options)}"


async def add_package(ctx: Context, msisdn: str, package_id: str, key: str | None) -> ActionResult:
    async def act(who: Reach, resolved: str) -> ActionResult:
        package = (await _catalog(ctx)).package(package_id)
        if package is None:
            raise refuse("NOT_FOUND", "no such package", "packageId")
        tariff = await current_tariff(ctx, who)
        finite_data = tariff is not None and any(
            a.kind is QuotaKind.DATA and not a.unlimited for a in tariff.allowances
        )
        if not finite_data:
            raise refuse(
                "SERVICE_NOT_AVAILABLE",
                "packages need a tariff with an internet quota",
                "packageId",
            )
        balance = await ctx.loaders.balance_by_msisdn.load(msisdn)
        if balance is not None and balance.money.amount < package.price.amount:
            raise refuse("INSUFFICIENT_BALANCE", f"the package costs {package.price.amount} RUB")
        item = OrderItemSpec(OrderAction.ADD, package_id)
        return await _place(ctx, who, "addPackage", resolved, [item])

    return await perform(ctx, "addPackage", msisdn, key, {"packageId": package_id}, act)


async def orders(ctx: Context, who: Reach) -> Sequence[OrderRecord]:
    return (await ctx.ports.provisioning.orders([who.msisdn])).get(who.msisdn, ())
