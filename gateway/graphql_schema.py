"""The executable schema of one process: the types (schema/) with the extensions the
settings ask for -- cached parsing and validation, no introspection, resolver spans."""

from __future__ import annotations

from typing import Any

import strawberry
from graphql.validation import NoSchemaIntrospectionCustomRule
from strawberry.extensions import AddValidationRules, ParserCache, ValidationCache
from strawberry.extensions.tracing import OpenTelemetryExtension

from gateway.settings import Settings
from gateway.telemetry import Telemetry
from schema.build import Extension, build_schema


def executable_schema(settings: Settings, telemetry: Telemetry) -> strawberry.Schema:
    size = settings.parser_cache_size
    extensions: list[Extension] = [
        # Factories: the LRU caches themselves are module-level and shared per size.
        lambda: ParserCache(maxsize=size),
        lambda: ValidationCache(maxsize=size),
    ]
    if not settings.introspection:
        extensions.append(lambda: AddValidationRules([NoSchemaIntrospectionCustomRule]))
    provider = telemetry.provider
    if provider is not None:
        # Resolver spans, recording no arguments: they may be codes or passwords.
        extensions.append(
            lambda: OpenTelemetryExtension(tracer_provider=provider, arg_filter=_no_arguments)
        )
    return build_schema(extensions)


def _no_arguments(arguments: dict[str, Any], info: Any) -> dict[str, Any]:
    return {}
