"""Who is calling: passwords, sessions, API tokens, second factor, throttling."""
