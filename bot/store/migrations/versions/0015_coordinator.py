"""The coordinator's view: consent to share progress, cohorts, the audit log, and DMs
sent on a coordinator's behalf.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

from bot.store.models import UTCDateTime

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "progress_shares",
        sa.Column(
            "member_id",
            sa.Integer(),
            sa.ForeignKey("members.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("on", sa.Boolean(), nullable=False),
        sa.Column("since", UTCDateTime(), nullable=True),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
    )
    op.create_table(
        "cohorts",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "club_id", sa.Integer(), sa.ForeignKey("clubs.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("name", sa.String(40), nullable=False),
        sa.Column("starts_at", UTCDateTime(), nullable=False),
        sa.Column("ends_at", UTCDateTime(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.UniqueConstraint("club_id", "name", name="uq_cohorts_club_name"),
    )
    op.create_index("ix_cohorts_club_id", "cohorts", ["club_id"])
    op.create_table(
        "cohort_members",
        sa.Column(
            "cohort_id",
            sa.Integer(),
            sa.ForeignKey("cohorts.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column(
            "member_id",
            sa.Integer(),
            sa.ForeignKey("members.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("joined_at", UTCDateTime(), nullable=False),
        sa.Column("added_by_admin", sa.Boolean(), nullable=False),
    )
    op.create_index("ix_cohort_members_member_id", "cohort_members", ["member_id"])
    op.create_table(
        "coordinator_views",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "club_id", sa.Integer(), sa.ForeignKey("clubs.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column(
            "member_id",
            sa.Integer(),
            sa.ForeignKey("members.id", ondelete="SET NULL"),
            nullable=True,
        ),
        sa.Column("viewer_name", sa.String(200), nullable=False),
        sa.Column("action", sa.String(24), nullable=False),
        sa.Column("scope", sa.String(300), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_coordinator_views_club_id", "coordinator_views", ["club_id"])
    op.create_index("ix_coordinator_views_member_id", "coordinator_views", ["member_id"])
    op.create_table(
        "coordinator_view_subjects",
        sa.Column(
            "view_id",
            sa.Integer(),
            sa.ForeignKey("coordinator_views.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column(
            "member_id",
            sa.Integer(),
            sa.ForeignKey("members.id", ondelete="CASCADE"),
            primary_key=True,
        ),
    )
    op.create_index(
        "ix_coordinator_view_subjects_member_id", "coordinator_view_subjects", ["member_id"]
    )
    op.create_table(
        "coordinator_messages",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "member_id",
            sa.Integer(),
            sa.ForeignKey("members.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("text", sa.String(1500), nullable=False),
        sa.Column("sender_id", sa.Integer(), nullable=True),
        sa.Column("sender_name", sa.String(200), nullable=False),
        sa.Column("send_at", UTCDateTime(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_coordinator_messages_member_id", "coordinator_messages", ["member_id"])
    op.create_index("ix_coordinator_messages_send_at", "coordinator_messages", ["send_at"])


def downgrade() -> None:
    op.drop_table("coordinator_messages")
    op.drop_table("coordinator_view_subjects")
    op.drop_table("coordinator_views")
    op.drop_table("cohort_members")
    op.drop_table("cohorts")
    op.drop_table("progress_shares")
