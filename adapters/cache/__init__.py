"""Key-value caches behind the adapters: Redis, or in process when no Redis is configured."""
