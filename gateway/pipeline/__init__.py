"""One way through the edge for every operation, whatever transport carried it.

    read (the transport) -> persisted (hash -> text, allow-list) -> document (parse and
    validate, cached) -> admission (shape limits, then rate limits) -> kept answer ->
    execute -> keep the answer -> outcome (rendered by the transport)

Authorization is not a step: it is structural (`domain/reach.py`, granted by
`resolvers/access.py` while the operation runs). Each step is a module of its own:

- `admission.py`: the persisted query resolved, the document read into a `Shape`, the
  limits and the rate limits; every refusal is a `RefusedError` (gateway/refusal.py), the
  one coded error type of the edge;
- `kept.py`: where a subscriber's whole answer may be kept and served from;
- `execute.py`: the executor's one seam (strawberry's today);
- `run.py`: the steps in order for one operation of HTTP, giving an `Outcome`;
- `outcome.py`: the `Outcome` and the refusal's, counted once in `tgw_refusals_total`;
- `batch.py`: whether the operations of a batch may run together (`run.py` runs them).

HTTP (`gateway/endpoint.py`) runs each operation through `run.py`; the live transports
(`gateway/live.py`: WebSocket and SSE) pass each operation through `admission.py` before
strawberry's subscription machinery runs it. Transports build the caller's Context
(`gateway/caller.py`); the pipeline knows no transport (import-linter).
"""
