"""Everything that talks to a backend or to Redis: ports, HTTP clients, caches, records."""
