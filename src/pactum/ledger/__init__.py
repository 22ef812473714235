"""The alliance's finance page: payments ledger, schedule and charts."""
