"""Valuation scenarios inside an alliance: private to a party unless deliberately shared."""
