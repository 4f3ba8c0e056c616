"""Deliveries: lease tokens, how long a message stays useful, an index for pruning.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op

from bot.store.models import UTCDateTime

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # batch mode: SQLite cannot add columns with every option in place; PostgreSQL can.
    with op.batch_alter_table("deliveries") as batch:
        batch.add_column(sa.Column("lease_token", sa.String(32), nullable=True))
        batch.add_column(sa.Column("useful_until", UTCDateTime(), nullable=True))
    op.create_index("ix_deliveries_due_at", "deliveries", ["due_at"])


def downgrade() -> None:
    op.drop_index("ix_deliveries_due_at", table_name="deliveries")
    with op.batch_alter_table("deliveries") as batch:
        batch.drop_column("useful_until")
        batch.drop_column("lease_token")
