"""Practice partners: each club's weekly round, members' windows, avoids, pairs and seats.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

from bot.store.models import UTCDateTime

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def _member() -> sa.Column:
    return sa.Column(
        "member_id",
        sa.Integer(),
        sa.ForeignKey("members.id", ondelete="CASCADE"),
        primary_key=True,
    )


def upgrade() -> None:
    op.create_table(
        "partner_schedules",
        sa.Column(
            "club_id", sa.Integer(), sa.ForeignKey("clubs.id", ondelete="CASCADE"), primary_key=True
        ),
        sa.Column("weekday", sa.Integer(), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("channel_id", sa.String(64), nullable=True),
        sa.Column("next_round_at", UTCDateTime(), nullable=True),
        sa.Column("rounds_run", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_partner_schedules_next_round_at", "partner_schedules", ["next_round_at"])
    op.create_table(
        "partner_prefs",
        _member(),
        sa.Column(
            "club_id", sa.Integer(), sa.ForeignKey("clubs.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("windows", sa.JSON(), nullable=False),
        sa.Column("availability", sa.String(300), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("paused_until", UTCDateTime(), nullable=True),
        sa.Column("missed_rounds", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_partner_prefs_club_active", "partner_prefs", ["club_id", "active"])
    op.create_table(
        "partner_avoids",
        _member(),
        sa.Column(
            "avoided_id",
            sa.Integer(),
            sa.ForeignKey("members.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )
    op.create_table(
        "partner_matches",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "club_id", sa.Integer(), sa.ForeignKey("clubs.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("round_at", UTCDateTime(), nullable=False),
        sa.Column("slot_at", UTCDateTime(), nullable=True),
        sa.Column("overlap_minutes", sa.Integer(), nullable=False),
        sa.Column("questions", sa.JSON(), nullable=False),
        sa.Column("swaps", sa.Integer(), nullable=False),
        sa.Column("booked_at", UTCDateTime(), nullable=True),
        sa.Column("remind_at", UTCDateTime(), nullable=True),
        sa.Column("booking_rev", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_partner_matches_club_round", "partner_matches", ["club_id", "round_at"])
    op.create_index("ix_partner_matches_remind_at", "partner_matches", ["remind_at"])
    op.create_table(
        "partner_seats",
        sa.Column(
            "match_id",
            sa.Integer(),
            sa.ForeignKey("partner_matches.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        _member(),
        sa.Column("ask_at", UTCDateTime(), nullable=True),
        sa.Column("asks_sent", sa.Integer(), nullable=False),
        sa.Column("met", sa.Boolean(), nullable=True),
        sa.Column("declined", sa.Boolean(), nullable=False),
        sa.Column("answered_at", UTCDateTime(), nullable=True),
    )
    op.create_index("ix_partner_seats_member_id", "partner_seats", ["member_id"])
    op.create_index("ix_partner_seats_ask_at", "partner_seats", ["ask_at"])


def downgrade() -> None:
    op.drop_table("partner_seats")
    op.drop_table("partner_matches")
    op.drop_table("partner_avoids")
    op.drop_table("partner_prefs")
    op.drop_table("partner_schedules")
