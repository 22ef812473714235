"""Invoices and payments: what one party owes another, by when, and what was paid."""
