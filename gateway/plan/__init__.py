"""Compiled plans: a validated operation document executed without graphql-core's generic
executor, answering exactly as graphql-core would (see README, "How operations are
executed").

`compile_plan` decides once per document and operation whether a plan can run it (a
`Plan`) or not (a `Fallback`, with its reason); `run_plan` executes a document through its
plan, or through graphql-core when it falls back."""

from __future__ import annotations

from gateway.plan.compiler import compile_plan
from gateway.plan.fallback import Fallback
from gateway.plan.nodes import Plan
from gateway.plan.runner import run_compiled, run_plan

__all__ = ["Fallback", "Plan", "compile_plan", "run_compiled", "run_plan"]
