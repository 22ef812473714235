"""Agreed FX rates for a quarter: proposed by one party, agreed by the other."""
