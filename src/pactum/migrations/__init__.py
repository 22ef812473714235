"""Alembic migrations (shipped inside the package so `pactum db upgrade` works anywhere)."""
