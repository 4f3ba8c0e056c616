"""plan_steps: which prep-plan tasks each member was sent, and which they marked Done.

The plan used to wait on Done and repeat the same task every day; it now moves on and
brings an undone task back later, which needs to know what was sent and what was done.
Members keep their place: `plan_position` already points at the next task to send.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "plan_steps",
        sa.Column(
            "member_id",
            sa.Integer(),
            sa.ForeignKey("members.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("task_id", sa.String(80), primary_key=True),
        sa.Column("sent_on", sa.Date(), nullable=False),
        sa.Column("sent_seq", sa.Integer(), nullable=False),
        sa.Column("times_sent", sa.Integer(), nullable=False),
        sa.Column("done_on", sa.Date(), nullable=True),
    )


def downgrade() -> None:
    op.drop_table("plan_steps")
