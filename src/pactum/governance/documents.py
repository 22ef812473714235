"""Governance documents: signed minutes as PDF and the arbitration dossier (pure)."""
