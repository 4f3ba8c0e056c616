"""The weekly check-in (prefs, weeks, the club summary) and /landed.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

from bot.store.models import UTCDateTime

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def _member() -> sa.Column:
    return sa.Column(
        "member_id", sa.Integer(), sa.ForeignKey("members.id", ondelete="CASCADE"), nullable=False
    )


def upgrade() -> None:
    op.create_table(
        "checkin_prefs",
        sa.Column(
            "member_id",
            sa.Integer(),
            sa.ForeignKey("members.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("on", sa.Boolean(), nullable=False),
        sa.Column("weekday", sa.Integer(), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("next_at", UTCDateTime(), nullable=True),
        sa.Column("offered_at", UTCDateTime(), nullable=True),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_checkin_prefs_next_at", "checkin_prefs", ["next_at"])
    op.create_table(
        "checkin_weeks",
        sa.Column("id", sa.Integer(), primary_key=True),
        _member(),
        sa.Column("week_start", sa.Date(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        *(
            sa.Column(name, sa.Integer(), nullable=True)
            for name in ("applications", "conversations", "interviews", "follow_ups", "offers")
        ),
        sa.Column("prefilled", sa.JSON(), nullable=False),
        sa.Column("win", sa.String(1000), nullable=True),
        sa.Column("stuck", sa.String(1000), nullable=True),
        sa.Column("win_shared_at", UTCDateTime(), nullable=True),
        sa.Column("goal", sa.JSON(), nullable=False),
        sa.Column("asked_at", UTCDateTime(), nullable=True),
        sa.Column("answered_at", UTCDateTime(), nullable=True),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.UniqueConstraint("member_id", "week_start", name="uq_checkin_weeks"),
    )
    op.create_index("ix_checkin_weeks_member_id", "checkin_weeks", ["member_id"])
    op.create_table(
        "checkin_summaries",
        sa.Column(
            "club_id", sa.Integer(), sa.ForeignKey("clubs.id", ondelete="CASCADE"), primary_key=True
        ),
        sa.Column("channel", sa.String(64), nullable=True),
        sa.Column("next_at", UTCDateTime(), nullable=True),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_checkin_summaries_next_at", "checkin_summaries", ["next_at"])
    op.create_table(
        "landings",
        sa.Column("id", sa.Integer(), primary_key=True),
        _member(),
        sa.Column("company", sa.String(200), nullable=False),
        sa.Column("role", sa.String(200), nullable=True),
        sa.Column("starts_on", sa.Date(), nullable=True),
        sa.Column("landed_at", UTCDateTime(), nullable=False),
        sa.Column("search_state", sa.JSON(), nullable=False),
        sa.Column("celebrated_at", UTCDateTime(), nullable=True),
        sa.Column("next_followup_at", UTCDateTime(), nullable=True),
        sa.Column("followup_stage", sa.String(8), nullable=True),
        sa.Column("answers", sa.JSON(), nullable=False),
    )
    op.create_index("ix_landings_member_id", "landings", ["member_id"])
    op.create_index("ix_landings_next_followup", "landings", ["next_followup_at"])


def downgrade() -> None:
    op.drop_table("landings")
    op.drop_table("checkin_summaries")
    op.drop_table("checkin_weeks")
    op.drop_table("checkin_prefs")
