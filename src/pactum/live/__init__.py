"""Live updates: a change committed in one server process reaches waiting pages in every process."""
