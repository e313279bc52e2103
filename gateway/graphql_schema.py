"""The executable schema of one process: the types (schema/) with the extensions the
settings ask for -- parsing and validation through the gateway's own document cache
(gateway/documents.py), no suggestions without introspection, resolver spans."""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry.extensions.tracing import OpenTelemetryExtension

from gateway.documents import Documents, KeptDocuments, build_documents
from gateway.settings import Settings
from gateway.suggestions import QuietExecutor
from gateway.telemetry import Telemetry
from schema.build import Extension, build_schema


def executable_schema(
    settings: Settings, telemetry: Telemetry
) -> tuple[strawberry.Schema, Documents]:
    # Parsing and validation go through Documents, built below once the schema exists:
    # the factory runs per operation, long after.
    extensions: list[Extension] = [lambda: KeptDocuments(documents)]
    provider = telemetry.provider
    if provider is not None:
        # Resolver spans, recording no arguments: they may be codes or passwords.
        extensions.append(
            lambda: OpenTelemetryExtension(tracer_provider=provider, arg_filter=_no_arguments)
        )
    schema = build_schema(extensions, None if settings.introspection else QuietExecutor)
    documents = build_documents(schema._schema, settings)
    return schema, documents


def _no_arguments(arguments: dict[str, Any], info: Any) -> dict[str, Any]:
    return {}
