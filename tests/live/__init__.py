"""Live updates: the bus, the stream route and several server processes."""
