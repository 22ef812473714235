"""Quarterly statements: FX rates, royalties, cost-sharing true-ups and P&L shares."""
