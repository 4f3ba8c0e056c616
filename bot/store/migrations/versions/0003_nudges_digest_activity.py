"""Nudge preferences and plan position, club digest settings, activity days for streaks.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op

from bot.store.models import UTCDateTime

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("members") as batch:
        batch.add_column(
            sa.Column("nudges_on", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch.add_column(sa.Column("nudge_minutes", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("nudge_days", sa.String(7), nullable=True))
        batch.add_column(sa.Column("nudges_paused_until", UTCDateTime(), nullable=True))
        batch.add_column(sa.Column("next_nudge_at", UTCDateTime(), nullable=True))
        batch.add_column(
            sa.Column("nudge_offered", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch.add_column(
            sa.Column("plan_position", sa.Integer(), nullable=False, server_default="0")
        )
        batch.add_column(
            sa.Column("shoutouts", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch.create_index("ix_members_next_nudge_at", ["next_nudge_at"])
    with op.batch_alter_table("clubs") as batch:
        batch.add_column(sa.Column("digest_channel", sa.String(64), nullable=True))
        batch.add_column(sa.Column("digest_weekday", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("digest_minutes", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("next_digest_at", UTCDateTime(), nullable=True))
        batch.create_index("ix_clubs_next_digest_at", ["next_digest_at"])
    op.create_table(
        "activity_days",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "member_id",
            sa.Integer(),
            sa.ForeignKey("members.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.UniqueConstraint("member_id", "day", "kind", name="uq_activity_days"),
    )
    op.create_index("ix_activity_days_member_id", "activity_days", ["member_id"])


def downgrade() -> None:
    op.drop_table("activity_days")
    with op.batch_alter_table("clubs") as batch:
        batch.drop_index("ix_clubs_next_digest_at")
        for column in ("next_digest_at", "digest_minutes", "digest_weekday", "digest_channel"):
            batch.drop_column(column)
    with op.batch_alter_table("members") as batch:
        batch.drop_index("ix_members_next_nudge_at")
        for column in (
            "shoutouts",
            "plan_position",
            "nudge_offered",
            "next_nudge_at",
            "nudges_paused_until",
            "nudge_days",
            "nudge_minutes",
            "nudges_on",
        ):
            batch.drop_column(column)
