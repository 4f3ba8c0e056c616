"""Steps that respect their event: commitments.step and ends_at, ladders' own reminders.

- `commitments.step` names what a ladder step is for (`research`, `interviewer`,
  `stories`, `thank-you`, `follow-up`), so the nudge can mention only open prep steps and
  `/rejected` can close a company's prep without reading step texts.
- `commitments.ends_at` is the moment a step stops making sense (an interview's start
  for its prep): nothing is sent for it after that, and it closes itself then.
- `ladders.next_reminder_at` / `reminder_stage` schedule the interview's own reminders
  (the morning of it, an hour before), claimed like every other scheduled row.

Open prep steps made before this ran are recognised by their ladder and their text and
get their step and end, so they stop checking in after the interview too.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

from bot.store.models import UTCDateTime

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

_PREP_BY_TEXT = (
    ("research", "Research %"),
    ("interviewer", "Read up on %"),
    ("interviewer", "Find out who will interview you%"),
    ("stories", "Pick three CCAR stories%"),
)


def upgrade() -> None:
    with op.batch_alter_table("commitments") as batch:
        batch.add_column(sa.Column("step", sa.String(32), nullable=True))
        batch.add_column(sa.Column("ends_at", UTCDateTime(), nullable=True))
    with op.batch_alter_table("ladders") as batch:
        batch.add_column(sa.Column("next_reminder_at", UTCDateTime(), nullable=True))
        batch.add_column(sa.Column("reminder_stage", sa.String(16), nullable=True))
        batch.create_index("ix_ladders_next_reminder", ["next_reminder_at"])
    interview_prep = (
        "ladder_id IN (SELECT id FROM ladders WHERE kind = 'interview') "
        "AND source = 'interview' AND draft_id IS NULL"
    )
    for step, pattern in _PREP_BY_TEXT:
        op.execute(
            sa.text(
                f"UPDATE commitments SET step = :step WHERE {interview_prep} "
                "AND step IS NULL AND text LIKE :pattern"
            ).bindparams(step=step, pattern=pattern)
        )
    op.execute(
        sa.text(
            "UPDATE commitments SET ends_at = "
            "(SELECT ladders.at FROM ladders WHERE ladders.id = commitments.ladder_id) "
            f"WHERE {interview_prep} AND step IS NOT NULL"
        )
    )


def downgrade() -> None:
    with op.batch_alter_table("ladders") as batch:
        batch.drop_index("ix_ladders_next_reminder")
        batch.drop_column("reminder_stage")
        batch.drop_column("next_reminder_at")
    with op.batch_alter_table("commitments") as batch:
        batch.drop_column("ends_at")
        batch.drop_column("step")
