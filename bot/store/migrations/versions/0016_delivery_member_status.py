"""Deliveries: index (member_id, status, id) instead of member_id alone.

Every lease asks, for each candidate, whether the member has an earlier delivery still
pending or being sent (their messages go in order). With member_id alone indexed, that
read the member's whole delivery history, kept 90 days: 36 ms of CPU a lease with 60 days
of it (bench/README.md). The new index answers from the few active rows, and serves
every lookup by member the old one did.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-02
"""

from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_deliveries_member_status", "deliveries", ["member_id", "status", "id"])
    op.drop_index("ix_deliveries_member_id", table_name="deliveries")


def downgrade() -> None:
    op.create_index("ix_deliveries_member_id", "deliveries", ["member_id"])
    op.drop_index("ix_deliveries_member_status", table_name="deliveries")
