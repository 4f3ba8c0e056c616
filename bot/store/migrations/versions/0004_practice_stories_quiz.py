"""Practice sessions and answers, CCAR stories and their drafts, quiz runs.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op

from bot.store.models import UTCDateTime

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def _member_fk() -> sa.Column:
    return sa.Column(
        "member_id",
        sa.Integer(),
        sa.ForeignKey("members.id", ondelete="CASCADE"),
        nullable=False,
    )


def upgrade() -> None:
    op.create_table(
        "practice_sessions",
        sa.Column("id", sa.Integer(), primary_key=True),
        _member_fk(),
        sa.Column("question_id", sa.String(80), nullable=False),
        sa.Column("asked_at", UTCDateTime(), nullable=False),
        sa.UniqueConstraint("member_id", name="uq_practice_sessions_member"),
    )
    op.create_table(
        "practice_answers",
        sa.Column("id", sa.Integer(), primary_key=True),
        _member_fk(),
        sa.Column("question_id", sa.String(80), nullable=False),
        sa.Column("category", sa.String(80), nullable=False),
        sa.Column("answer", sa.String(8000), nullable=False),
        sa.Column("scores", sa.JSON(), nullable=False),
        sa.Column("overall", sa.Integer(), nullable=False),
        sa.Column("flags", sa.JSON(), nullable=False),
        sa.Column("main_fix", sa.String(40), nullable=True),
        sa.Column("reviewer", sa.String(40), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sqlite_autoincrement=True,
    )
    op.create_index(
        "ix_practice_answers_member_question", "practice_answers", ["member_id", "question_id"]
    )
    op.create_table(
        "stories",
        sa.Column("id", sa.Integer(), primary_key=True),
        _member_fk(),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("context", sa.String(2000), nullable=False),
        sa.Column("challenge", sa.String(2000), nullable=False),
        sa.Column("action", sa.String(2000), nullable=False),
        sa.Column("result", sa.String(2000), nullable=False),
        sa.Column("why_it_matters", sa.String(2000), nullable=False),
        sa.Column("competencies", sa.JSON(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.UniqueConstraint("member_id", "number", name="uq_stories_member_number"),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "story_drafts",
        sa.Column("id", sa.Integer(), primary_key=True),
        _member_fk(),
        sa.Column("step", sa.String(32), nullable=False),
        sa.Column("fields", sa.JSON(), nullable=False),
        sa.Column("paused", sa.Boolean(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.UniqueConstraint("member_id", name="uq_story_drafts_member"),
    )
    op.create_table(
        "quiz_runs",
        sa.Column("id", sa.Integer(), primary_key=True),
        _member_fk(),
        sa.Column("item_ids", sa.JSON(), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("finished_at", UTCDateTime(), nullable=True),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_quiz_runs_member_status", "quiz_runs", ["member_id", "status"])


def downgrade() -> None:
    op.drop_table("quiz_runs")
    op.drop_table("story_drafts")
    op.drop_table("stories")
    op.drop_table("practice_answers")
    op.drop_table("practice_sessions")
