"""Schema governance: what a schema change does to the clients (breaking and dangerous
changes, by graphql-core's own finders), the schema's changelog, the registered
operations that must still validate, and who still uses a field."""
