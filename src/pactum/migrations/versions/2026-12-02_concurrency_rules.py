"""Concurrency rules the database enforces (CONC-1): an invoice is never paid beyond its
amount.

Revision ID: 8c1e5a7d2f90
Revises: 3b7d2c9e41a0
Create Date: 2026-12-02 15:20:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "8c1e5a7d2f90"
down_revision: str | None = "3b7d2c9e41a0"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this migration."""
    with op.batch_alter_table("invoices", schema=None) as batch_op:
        batch_op.create_check_constraint("paid_within_amount", "paid >= 0 AND paid <= amount")


def downgrade() -> None:
    """Revert this migration."""
    with op.batch_alter_table("invoices", schema=None) as batch_op:
        batch_op.drop_constraint("paid_within_amount", type_="check")
