"""Signed records stay signed (SIG-3): minutes are a draft, then locked for signing;
minutes that carry a valid signature are locked.

Revision ID: 2517a84e82ff
Revises: 5d2b8e0c7a13
Create Date: 2026-12-03 17:57:01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "2517a84e82ff"
down_revision: str | None = "5d2b8e0c7a13"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this migration."""
    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("minutes_state", sa.String(length=20), server_default="draft", nullable=False)
        )
        batch_op.add_column(sa.Column("minutes_reopened_from", sa.JSON(), nullable=True))
    meetings = sa.table("meetings", sa.column("id"), sa.column("minutes_state"))
    signatures = sa.table(
        "signatures",
        sa.column("object_type"),
        sa.column("object_id"),
        sa.column("invalidated_at"),
    )
    signed = sa.select(signatures.c.object_id).where(
        signatures.c.object_type == "minutes", signatures.c.invalidated_at.is_(None)
    )
    op.execute(sa.update(meetings).where(meetings.c.id.in_(signed)).values(minutes_state="locked"))


def downgrade() -> None:
    """Revert this migration."""
    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.drop_column("minutes_reopened_from")
        batch_op.drop_column("minutes_state")
