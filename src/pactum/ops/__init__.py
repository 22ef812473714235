"""Operational tasks: backup, restore, demo data."""
