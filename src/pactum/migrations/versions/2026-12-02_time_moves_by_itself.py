"""Time moves by itself (TIME-1): a decision step's recording time beside the time it took
effect; a milestone claim confirmed because its notice period ended unanswered.

Revision ID: 3b7d2c9e41a0
Revises: f05ad9044445
Create Date: 2026-12-02 14:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "3b7d2c9e41a0"
down_revision: str | None = "f05ad9044445"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this migration."""
    with op.batch_alter_table("decision_steps", schema=None) as batch_op:
        batch_op.add_column(sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=True))
    op.execute("UPDATE decision_steps SET recorded_at = at")
    with op.batch_alter_table("decision_steps", schema=None) as batch_op:
        batch_op.alter_column(
            "recorded_at", existing_type=sa.DateTime(timezone=True), nullable=False
        )
    with op.batch_alter_table("milestone_claims", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("deemed", sa.Boolean(), server_default=sa.false(), nullable=False)
        )


def downgrade() -> None:
    """Revert this migration."""
    with op.batch_alter_table("milestone_claims", schema=None) as batch_op:
        batch_op.drop_column("deemed")
    with op.batch_alter_table("decision_steps", schema=None) as batch_op:
        batch_op.drop_column("recorded_at")
