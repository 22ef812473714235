"""Publishing and subscribing to change events (no web framework here)."""
