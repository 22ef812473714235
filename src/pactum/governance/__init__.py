"""Governance: committees, decisions, votes and escalation by the charter's rules."""
