"""Organisations and their people."""
