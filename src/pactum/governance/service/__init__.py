"""Governance services: committees, meetings and minutes, decisions, action items."""
