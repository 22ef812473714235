"""Agreements: contracts between the parties, amendments as versions, terms in force."""
