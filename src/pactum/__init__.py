"""Pactum: a shared workspace for biotech-pharma alliances."""

__version__ = "0.1.0"
