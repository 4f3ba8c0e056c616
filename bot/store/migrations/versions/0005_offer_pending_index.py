"""A partial index for members still waiting for the nudge offer.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

# SQLite matches a partial index by the query's wording, and SQLAlchemy writes a false
# boolean there as "= 0"; PostgreSQL compares meaning, so plain NOT reads best.
OFFER_PENDING_SQLITE = "nudge_offered = 0 AND nudges_on = 0"
OFFER_PENDING_POSTGRES = "NOT nudge_offered AND NOT nudges_on"


def upgrade() -> None:
    op.create_index(
        "ix_members_offer_pending",
        "members",
        ["created_at"],
        sqlite_where=sa.text(OFFER_PENDING_SQLITE),
        postgresql_where=sa.text(OFFER_PENDING_POSTGRES),
    )


def downgrade() -> None:
    op.drop_index("ix_members_offer_pending", table_name="members")
