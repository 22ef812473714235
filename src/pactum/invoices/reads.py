"""Invoices as the API shows them (for every domain that issues or settles invoices)."""

from __future__ import annotations

from pactum.invoices import service as invoices
from pactum.invoices.schemas import InvoiceRead
from pactum.models import Invoice


def invoice_read(invoice: Invoice) -> InvoiceRead:
    """An invoice with its outstanding amount and status."""
    return InvoiceRead(
        **{k: getattr(invoice, k) for k in InvoiceRead.model_fields if hasattr(invoice, k)},
        outstanding=invoice.amount - invoice.paid,
        status=invoices.status(invoice),
    )
