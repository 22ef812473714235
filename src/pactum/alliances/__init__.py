"""Alliances: parties, invitations, lifecycle, members."""
