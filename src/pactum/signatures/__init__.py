"""Electronic signatures (SIG-1, SIG-2): password re-entry, meaning, bound to content."""
