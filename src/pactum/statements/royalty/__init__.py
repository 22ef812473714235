"""Royalty statements: the licensee prepares, the licensor approves."""
