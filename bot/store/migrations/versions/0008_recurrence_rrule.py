"""Commitments store their repeat rule as standard RRULE text instead of a JSON object.

`{"unit": "week", "every": 2, "weekday": 0, "hour": 9, "minute": 0}` becomes
`RRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=MO;BYHOUR=9;BYMINUTE=0`, the iCalendar form that
`dateutil.rrule` (and any calendar) reads, and that can say "every weekday". The
conversion is written out here rather than imported, so this migration keeps meaning
the same thing when `bot.recurrence` changes. A stored JSON null becomes SQL NULL (no
repeat); a rule that can't be read becomes NULL too, so the commitment stays as a
one-off instead of failing every reminder.

Downgrading turns the text back into JSON; a rule on several weekdays (new here) keeps
only its first weekday, the closest the old form can hold.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-27
"""

from __future__ import annotations

import json
import re
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

_FREQS = {"day": "DAILY", "week": "WEEKLY", "month": "MONTHLY"}
_DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_TABLE = sa.table("commitments", sa.column("id", sa.Integer), sa.column("recurrence", sa.Text))


def upgrade() -> None:
    _alter(sa.JSON(), sa.String(255), "recurrence::text")
    _convert(_json_to_rrule)


def downgrade() -> None:
    _convert(_rrule_to_json)
    _alter(sa.String(255), sa.JSON(), "recurrence::json")


def _alter(old: sa.types.TypeEngine[Any], new: sa.types.TypeEngine[Any], using: str) -> None:
    # batch mode: SQLite rebuilds the table (no other table refers to commitments).
    with op.batch_alter_table("commitments") as batch:
        batch.alter_column(
            "recurrence",
            existing_type=old,
            type_=new,
            existing_nullable=True,
            postgresql_using=using,
        )


def _convert(change: Any) -> None:
    bind = op.get_bind()
    rows = bind.execute(
        sa.select(_TABLE.c.id, _TABLE.c.recurrence).where(_TABLE.c.recurrence.is_not(None))
    ).all()
    for row_id, stored in rows:
        try:
            value = change(stored)
        except (ValueError, KeyError, TypeError, IndexError):
            value = None
        if value != stored:
            bind.execute(sa.update(_TABLE).where(_TABLE.c.id == row_id).values(recurrence=value))


def _json_to_rrule(stored: str) -> str | None:
    data = json.loads(stored)
    if data is None:
        return None
    parts = [f"FREQ={_FREQS[data['unit']]}"]
    every = int(data.get("every") or 1)
    if every != 1:
        parts.append(f"INTERVAL={every}")
    weekday, nth, day = data.get("weekday"), data.get("nth"), data.get("day")
    if weekday is not None:
        parts.append(f"BYDAY={'' if nth is None else int(nth)}{_DAYS[int(weekday)]}")
    if day is not None:
        day = int(day)
        if day <= 28:
            parts.append(f"BYMONTHDAY={day}")
        else:
            parts.append(f"BYMONTHDAY={','.join(map(str, range(28, day + 1)))};BYSETPOS=-1")
    parts.append(f"BYHOUR={int(data.get('hour', 9))};BYMINUTE={int(data.get('minute', 0))}")
    return "RRULE:" + ";".join(parts)


def _rrule_to_json(stored: str) -> str:
    fields = dict(part.split("=", 1) for part in stored.removeprefix("RRULE:").split(";"))
    unit = next(u for u, f in _FREQS.items() if f == fields["FREQ"])
    data: dict[str, Any] = {
        "unit": unit,
        "every": int(fields.get("INTERVAL", 1)),
        "weekday": None,
        "nth": None,
        "day": None,
        "hour": int(fields.get("BYHOUR", 9)),
        "minute": int(fields.get("BYMINUTE", 0)),
    }
    if byday := fields.get("BYDAY"):
        found = re.fullmatch(r"(-1|[1-4])?([A-Z]{2})(?:,.*)?", byday)
        if found is None:
            raise ValueError(byday)
        data["weekday"] = _DAYS.index(found[2])
        data["nth"] = int(found[1]) if found[1] else None
    if monthdays := fields.get("BYMONTHDAY"):
        data["day"] = int(monthdays.split(",")[-1])
    return json.dumps(data)
