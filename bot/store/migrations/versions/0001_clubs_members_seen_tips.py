"""Clubs, members and the tips each member has seen.

Revision ID: 0001
Revises:
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op

from bot.store.models import UTCDateTime

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "clubs",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("platform", sa.String(16), nullable=False),
        sa.Column("external_id", sa.String(64), nullable=False),
        sa.Column("name", sa.String(200), nullable=True),
        sa.Column("default_tz", sa.String(64), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.UniqueConstraint("platform", "external_id", name="uq_clubs_platform_ext"),
    )
    op.create_table(
        "members",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "club_id", sa.Integer(), sa.ForeignKey("clubs.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("user_id", sa.String(64), nullable=False),
        sa.Column("display_name", sa.String(200), nullable=False),
        sa.Column("tz", sa.String(64), nullable=True),
        sa.Column("platform_tz", sa.String(64), nullable=True),
        sa.Column("dm_channel_id", sa.String(64), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("last_seen_at", UTCDateTime(), nullable=False),
        sa.UniqueConstraint("club_id", "user_id", name="uq_members_club_user"),
    )
    op.create_index("ix_members_club_id", "members", ["club_id"])
    op.create_table(
        "seen_tips",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "member_id",
            sa.Integer(),
            sa.ForeignKey("members.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("tip_id", sa.String(80), nullable=False),
        sa.Column("seen_at", UTCDateTime(), nullable=False),
        sa.UniqueConstraint("member_id", "tip_id", name="uq_seen_tips_member_tip"),
    )
    op.create_index("ix_seen_tips_member_id", "seen_tips", ["member_id"])


def downgrade() -> None:
    op.drop_table("seen_tips")
    op.drop_table("members")
    op.drop_table("clubs")
