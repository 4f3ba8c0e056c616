"""seen_tips.shared_at: a tip is shared with the channel once per member.

Rows that exist keep NULL (not shared yet): a tip shared before this ran can be shared
once more, which is the safe side of not knowing.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-27
"""

import sqlalchemy as sa
from alembic import op

from bot.store.models import UTCDateTime

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("seen_tips") as batch:
        batch.add_column(sa.Column("shared_at", UTCDateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("seen_tips") as batch:
        batch.drop_column("shared_at")
