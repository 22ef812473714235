"""Sign-in and one's own account: password, second factor, API tokens."""
