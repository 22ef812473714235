"""Valuation scenarios: a party's private (or deliberately shared) valuations.

Revision ID: 698269a1b388
Revises: f5bf0e494367
Create Date: 2026-11-22 07:06:05.148289
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "698269a1b388"
down_revision: str | None = "f5bf0e494367"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this migration."""

    op.create_table(
        "valuation_scenarios",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("deal", sa.Text(), nullable=False),
        sa.Column("result", sa.Text(), nullable=False),
        sa.Column("trials", sa.Integer(), nullable=False),
        sa.Column("seed", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_by_id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("alliance_id", sa.Uuid(), nullable=False),
        sa.Column("owner_org_id", sa.Uuid(), nullable=False),
        sa.Column("visibility", sa.String(length=10), nullable=False),
        sa.ForeignKeyConstraint(
            ["alliance_id"],
            ["alliances.id"],
            name=op.f("fk_valuation_scenarios_alliance_id_alliances"),
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_valuation_scenarios_created_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["owner_org_id"],
            ["organisations.id"],
            name=op.f("fk_valuation_scenarios_owner_org_id_organisations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_valuation_scenarios")),
    )
    with op.batch_alter_table("valuation_scenarios", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_valuation_scenarios_alliance_id"), ["alliance_id"], unique=False
        )


def downgrade() -> None:
    """Revert this migration."""

    with op.batch_alter_table("valuation_scenarios", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_valuation_scenarios_alliance_id"))

    op.drop_table("valuation_scenarios")
