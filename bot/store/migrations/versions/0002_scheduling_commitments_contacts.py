"""Deliveries, commitments, contacts, ladders; per-member day start and check-in delay.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op

from bot.store.models import UTCDateTime

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def _member_fk(nullable: bool = False) -> sa.Column:
    return sa.Column(
        "member_id",
        sa.Integer(),
        sa.ForeignKey("members.id", ondelete="CASCADE"),
        nullable=nullable,
    )


def upgrade() -> None:
    with op.batch_alter_table("members") as batch:
        batch.add_column(sa.Column("day_start_minutes", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("checkin_hours", sa.Integer(), nullable=True))

    op.create_table(
        "deliveries",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("key", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        _member_fk(nullable=True),
        sa.Column(
            "club_id", sa.Integer(), sa.ForeignKey("clubs.id", ondelete="CASCADE"), nullable=True
        ),
        sa.Column("ref_id", sa.Integer(), nullable=True),
        sa.Column("due_at", UTCDateTime(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", UTCDateTime(), nullable=True),
        sa.Column("lease_until", UTCDateTime(), nullable=True),
        sa.Column("late", sa.Boolean(), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("last_error", sa.String(500), nullable=True),
        sa.Column("sent_at", UTCDateTime(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.UniqueConstraint("key", name="uq_deliveries_key"),
    )
    op.create_index("ix_deliveries_status_next", "deliveries", ["status", "next_attempt_at"])
    op.create_index("ix_deliveries_member_id", "deliveries", ["member_id"])

    op.create_table(
        "contacts",
        sa.Column("id", sa.Integer(), primary_key=True),
        _member_fk(),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("company", sa.String(200), nullable=True),
        sa.Column("role", sa.String(200), nullable=True),
        sa.Column("how_met", sa.String(500), nullable=True),
        sa.Column("cadence_days", sa.Integer(), nullable=True),
        sa.Column("last_contact_at", UTCDateTime(), nullable=True),
        sa.Column("notes", sa.JSON(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_contacts_member_id", "contacts", ["member_id"])

    op.create_table(
        "ladders",
        sa.Column("id", sa.Integer(), primary_key=True),
        _member_fk(),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("company", sa.String(200), nullable=False),
        sa.Column("person", sa.String(200), nullable=True),
        sa.Column("role", sa.String(200), nullable=True),
        sa.Column("at", UTCDateTime(), nullable=True),
        sa.Column(
            "contact_id",
            sa.Integer(),
            sa.ForeignKey("contacts.id", ondelete="SET NULL"),
            nullable=True,
        ),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_ladders_member_id", "ladders", ["member_id"])

    op.create_table(
        "commitments",
        sa.Column("id", sa.Integer(), primary_key=True),
        _member_fk(),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("text", sa.String(1000), nullable=False),
        sa.Column("due_at", UTCDateTime(), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("source", sa.String(32), nullable=False),
        sa.Column("recurrence", sa.JSON(), nullable=True),
        sa.Column(
            "contact_id",
            sa.Integer(),
            sa.ForeignKey("contacts.id", ondelete="SET NULL"),
            nullable=True,
        ),
        sa.Column(
            "ladder_id",
            sa.Integer(),
            sa.ForeignKey("ladders.id", ondelete="SET NULL"),
            nullable=True,
        ),
        sa.Column("draft_id", sa.String(80), nullable=True),
        sa.Column("next_reminder_at", UTCDateTime(), nullable=True),
        sa.Column("reminder_stage", sa.String(16), nullable=True),
        sa.Column("schedule_rev", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("closed_at", UTCDateTime(), nullable=True),
        sa.UniqueConstraint("member_id", "number", name="uq_commitments_member_number"),
    )
    op.create_index("ix_commitments_member_id", "commitments", ["member_id"])
    op.create_index("ix_commitments_next_reminder", "commitments", ["next_reminder_at"])


def downgrade() -> None:
    op.drop_table("commitments")
    op.drop_table("ladders")
    op.drop_table("contacts")
    op.drop_table("deliveries")
    with op.batch_alter_table("members") as batch:
        batch.drop_column("checkin_hours")
        batch.drop_column("day_start_minutes")
