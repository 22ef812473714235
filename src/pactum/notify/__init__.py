"""Notifications: in-app messages and e-mail (SMTP when configured)."""
