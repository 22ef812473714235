"""Drafts belong to their author's party (DRAFT-1): a royalty or P&L-share statement
never submitted is private to the party preparing it; P&L-share statements are unique
per preparing party (each party may draft the quarter; one is submitted).

Revision ID: 5d2b8e0c7a13
Revises: 8c1e5a7d2f90
Create Date: 2026-12-03 18:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "5d2b8e0c7a13"
down_revision: str | None = "8c1e5a7d2f90"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TABLES = ("royalty_statements", "pnl_statements")


def _table(name: str) -> sa.TableClause:
    return sa.table(name, sa.column("visibility"), sa.column("status"), sa.column("decided_at"))


def upgrade() -> None:
    """Apply this migration."""
    for name in _TABLES:
        # A draft never decided was never submitted (a rejected one being corrected
        # keeps its decision).
        t = _table(name)
        never_submitted = sa.and_(t.c.status == "draft", t.c.decided_at.is_(None))
        op.execute(sa.update(t).where(never_submitted).values(visibility="private"))
    with op.batch_alter_table("pnl_statements", schema=None) as batch_op:
        batch_op.drop_constraint("uq_pnl_statements_agreement_id_year_quarter", type_="unique")
        batch_op.create_unique_constraint(
            "uq_pnl_statements_agreement_id_year_quarter_owner_org_id",
            ["agreement_id", "year", "quarter", "owner_org_id"],
        )


def downgrade() -> None:
    """Revert this migration."""
    with op.batch_alter_table("pnl_statements", schema=None) as batch_op:
        batch_op.drop_constraint(
            "uq_pnl_statements_agreement_id_year_quarter_owner_org_id", type_="unique"
        )
        batch_op.create_unique_constraint(
            "uq_pnl_statements_agreement_id_year_quarter", ["agreement_id", "year", "quarter"]
        )
    for name in _TABLES:
        op.execute(sa.update(_table(name)).values(visibility="shared"))
