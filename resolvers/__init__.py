"""GraphQL-agnostic logic: functions of (context, arguments) returning domain records,
the per-request Context and Loaders, and who may see what."""
