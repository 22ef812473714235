"""Milestones: claim, confirm or dispute, invoice."""
