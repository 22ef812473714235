"""Shared foundations: database plumbing, errors, time. Depends on nothing else of Pactum."""
