"""Server-rendered pages: layout, templates, static assets, cookie sessions, CSRF."""
