"""seen_deliveries: platform deliveries already handled, shared by every replica.

Slack re-sends an event (and sometimes an interactive payload) it thinks was missed; a
copy may reach another replica, so the memory of what was handled lives here.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

from bot.store.models import UTCDateTime

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "seen_deliveries",
        sa.Column("key", sa.String(200), primary_key=True),
        sa.Column("expires_at", UTCDateTime(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_seen_deliveries_expires_at", "seen_deliveries", ["expires_at"])


def downgrade() -> None:
    op.drop_index("ix_seen_deliveries_expires_at", table_name="seen_deliveries")
    op.drop_table("seen_deliveries")
