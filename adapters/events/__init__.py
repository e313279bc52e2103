"""Events from the backends (TM Forum hub/listener) and their fan-out to live subscribers:
in process, or through Redis pub/sub so a client on any gateway process gets them."""
