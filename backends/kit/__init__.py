"""Machinery shared by the four simulated services: faults, counters, admin routes,
TMF query filters and error bodies, the app factory and the command line."""
