"""HTTP plumbing shared by the JSON API and the web pages: sessions, callers, errors."""
