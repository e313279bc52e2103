"""No "Did you mean ...?" when introspection is off.

graphql-core suggests near names in its errors (an unknown field, argument, type, enum
value or input field): with introspection off, a tool such as clairvoyance recovers the
schema from those hints alone (121 of 170 fields, issue #23). Validation hides them in
`gateway/documents.py`; this executor hides them in what execution itself reports (a
variable's value coerced to its type).
"""

from __future__ import annotations

from typing import Any

from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext


class QuietExecutor(StrawberryGraphQLCoreExecutionContext):
    @classmethod
    def build(cls, *args: Any, **kwargs: Any) -> Any:
        kwargs["hide_suggestions"] = True
        return super().build(*args, **kwargs)
