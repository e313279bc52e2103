"""Field usage per client: how often each schema coordinate (`Type.field`) was asked for,
by which client and version, on which day, and when last; kept for a retention window."""
