"""dm_focus: which conversation holds each member's next free-text DM.

Members who were answering a practice question or building a story when this runs
keep that conversation: their rows are carried over (a practice question wins, as it
did before, when a member somehow had both).

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-27
"""

import sqlalchemy as sa
from alembic import op

from bot.store.models import UTCDateTime

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "dm_focus",
        sa.Column(
            "member_id",
            sa.Integer(),
            sa.ForeignKey("members.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("owner", sa.String(40), nullable=False),
        sa.Column("state", sa.JSON(), nullable=False),
        sa.Column("waiting_for", sa.String(300), nullable=False),
        sa.Column("started_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
    )
    op.execute(
        "INSERT INTO dm_focus (member_id, owner, state, waiting_for, started_at, updated_at) "
        "SELECT member_id, 'practice', '{}', 'your answer to the practice question', "
        "asked_at, asked_at FROM practice_sessions"
    )
    op.execute(
        "INSERT INTO dm_focus (member_id, owner, state, waiting_for, started_at, updated_at) "
        "SELECT member_id, 'stories', '{}', 'the next step of your story', "
        "updated_at, updated_at FROM story_drafts d WHERE NOT d.paused "
        "AND NOT EXISTS (SELECT 1 FROM dm_focus f WHERE f.member_id = d.member_id)"
    )


def downgrade() -> None:
    op.drop_table("dm_focus")
