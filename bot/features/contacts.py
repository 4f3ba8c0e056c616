"""Stay-in-touch contacts: `/jobclub contact add|log|remove` and `/jobclub contacts`.

Adding someone who is already there (same name, same company) never makes a second
copy: the member is shown the one they have and offered to change its rhythm, so a
later `contact log` always resets the one person they mean.

Logging a real contact resets that person's clock: the remaining stay-in-touch
reminders move so the next one comes a full interval after the contact, not on the
old schedule (the feature contact-nurturing tools are most asked for).
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from rapidfuzz import fuzz, process
from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot import commitments as store
from bot.context import Context
from bot.errors import UserError
from bot.features.base import Feature, feature
from bot.recurrence import Recurrence
from bot.replies import Button, ButtonStyle, Reply, Section, Visibility
from bot.router import Router, text
from bot.store.models import Commitment, Contact, Member
from bot.text import NUMBER_WORDS, ascii_number, shorten
from bot.timezones import add_months, local_instant, show_time

_ADD = re.compile(r"^(?P<name>.+?)(?:\s+(?:at|from)\s+(?P<company>.+?))?$", re.IGNORECASE)
_EVERY = re.compile(r"\s+every(?:\s+(?P<rhythm>.*))?$", re.IGNORECASE)
_RHYTHM = re.compile(
    r"^(?:(?P<n>\d+|[a-z]+)\s*)?(?P<unit>weeks?|months?|wks?|mos?)\.?$", re.IGNORECASE
)
_RHYTHM_RANGE = "every 1 and every 24 months, or every 1 to every 24 weeks"
_STAY_IN_TOUCH = re.compile(r"^stay-in-touch-(\d+)-months?$")
DEFAULT_CADENCE_MONTHS = 3
MAX_RHYTHM = 24
NOTE_SHOWN = 80
MAX_NOTE = 500


@feature
class Contacts(Feature):
    name = "contacts"

    def register(self, router: Router) -> None:
        router.add_subcommand(
            "jobclub", "contact", "Stay in touch with people you meet.", self.on_contact_help
        )
        sub = partial(router.add_subcommand, "jobclub contact")
        sub(
            "add",
            "Remind me to stay in touch with someone (every 3 months unless you say).",
            self.on_add,
            args=(text("NAME [at COMPANY] [every N months|weeks]", ask="Give a name"),),
            example="add Ana Ruiz at Acme every 3 months",
        )
        sub(
            "log",
            "You were in touch: resets their clock; a note is kept.",
            self.on_log,
            args=(text("NAME [NOTE]", ask="Say who you were in touch with"),),
            example="log Ana had coffee, she mentioned a new team",
        )
        sub(
            "remove",
            "Stop staying in touch with someone (asks first).",
            self.on_remove,
            args=(text("NAME", ask="Say who to remove"),),
            aliases=("delete",),
            example="remove Ana",
            destructive=True,
            confirms_itself=True,
        )
        router.add_subcommand(
            "jobclub", "contacts", "People you stay in touch with.", self.on_contacts
        )
        router.add_action("contact:rhythm", self.on_rhythm_pressed)
        router.add_action("contact:remove", self.on_remove_pressed)
        router.add_action("contact:keep", self.on_keep_pressed)

    async def on_contact_help(self, ctx: Context) -> Reply:
        raise UserError(
            "Try `/jobclub contact add Ana Ruiz at Acme every 3 months`, "
            "`/jobclub contact log Ana had coffee, she mentioned a new team` or "
            "`/jobclub contact remove Ana`."
        )

    async def on_add(self, ctx: Context) -> Reply:
        return await self._add(ctx, ctx.text.strip())

    async def on_log(self, ctx: Context) -> Reply:
        return await self._log(ctx, ctx.text.strip())

    async def _add(self, ctx: Context, rest: str) -> Reply:
        rest, months, weeks = _rhythm(rest)
        found = _ADD.match(rest)
        if not found or len(found["name"]) > 200:
            raise UserError("Give a name, e.g. `/jobclub contact add Ana Ruiz at Acme`.")
        name, company = found["name"].strip(), (found["company"] or "").strip() or None
        if company and len(company) > 200:
            raise UserError("Keep the company name under 200 characters.")
        existing = await _same_person(ctx, name, company)
        if existing is not None:
            return await _offer_update(ctx, existing, months, weeks)
        contact = Contact(
            member_id=ctx.member.id,
            name=name,
            company=company,
            how_met=None,
            cadence_days=months * 30 or weeks * 7,
            notes=[],
            created_at=ctx.now,
        )
        ctx.session.add(contact)
        await ctx.session.flush()
        rule, due, commitment = await _set_rhythm(ctx, contact, months, weeks)
        return Reply(
            text=f"Added {_label(contact)}. I will remind you to get in touch {rule.describe()}, "
            f"first on {show_time(due, ctx.zone)}. After a real conversation, "
            f"`/jobclub contact log {name.split()[0]}` resets the clock.",
            visibility=Visibility.ONLY_MEMBER,
            meta={"contact_id": contact.id, "commitment_id": commitment.id},
        )

    async def _log(self, ctx: Context, rest: str) -> Reply:
        contact, note = await _find(ctx, rest)
        if len(note) > MAX_NOTE:
            raise UserError(f"Keep the note under {MAX_NOTE} characters. Nothing was saved.")
        contact.last_contact_at = ctx.now
        if note:
            contact.notes = [*contact.notes, {"at": ctx.now.isoformat(), "note": note}]
        moved = await _reset_clock(ctx, contact)
        lines = [
            f"#{c.number} {c.text} · {show_time(c.due_at, ctx.zone, ctx.now)}"
            for c in moved
            if c.due_at
        ]
        return Reply(
            text=f"Logged a contact with {contact.name}. Nice: that is how seeds sprout."
            + ("\nI moved the next reminders on from today:" if lines else ""),
            sections=[Section(text="\n".join(lines))] if lines else [],
            visibility=Visibility.ONLY_MEMBER,
            meta={
                "contact_id": contact.id,
                "moved": [
                    {"commitment_id": c.id, "due_at": c.due_at.astimezone(ctx.zone).isoformat()}
                    for c in moved
                    if c.due_at
                ],
            },
        )

    async def on_contacts(self, ctx: Context) -> Reply:
        rows = list(
            await ctx.session.scalars(
                select(Contact).where(Contact.member_id == ctx.member.id).order_by(Contact.name)
            )
        )
        if not rows:
            return Reply(
                text="No contacts yet. `/rejected Acme, Ana` or "
                "`/jobclub contact add Ana at Acme every 3 months` adds one.",
                visibility=Visibility.ONLY_MEMBER,
                meta={"contacts": []},
            )
        lines = []
        for c in rows:
            last = show_time(c.last_contact_at, ctx.zone) if c.last_contact_at else "not yet"
            line = f"{_label(c)} · last contact {last}"
            if c.notes:
                line += f" · note: {shorten(c.notes[-1].get('note', ''), NOTE_SHOWN)}"
                if len(c.notes) > 1:
                    line += f" (+{len(c.notes) - 1} earlier)"
            lines.append(line)
        return Reply(
            title="People you stay in touch with",
            text="\n".join(lines),
            visibility=Visibility.ONLY_MEMBER,
            meta={
                "contacts": [c.id for c in rows],
                "notes": {c.id: [n.get("note", "") for n in c.notes] for c in rows},
            },
        )

    async def on_remove(self, ctx: Context) -> Reply:
        contact, _ = await _find(ctx, ctx.text.strip())
        return Reply(
            text=f"Stop staying in touch with {_label(contact)}? I will drop the reminders about "
            "them and forget the notes you logged.",
            buttons=[
                Button(
                    f"Remove {shorten(contact.name, 40)}",
                    f"contact:remove:{contact.id}",
                    ButtonStyle.DANGER,
                ),
                Button("Keep", "contact:keep"),
            ],
            visibility=Visibility.ONLY_MEMBER,
            meta={"contact_id": contact.id, "confirm": "remove"},
        )

    async def on_remove_pressed(self, ctx: Context) -> Reply:
        contact = await _pressed(ctx)
        dropped = await _open_for(ctx, contact)
        for commitment in dropped:
            store.close(commitment, "dropped", ctx.now)
        await ctx.session.delete(contact)
        gone = f" and dropped {len(dropped)} reminder{'s' if len(dropped) != 1 else ''}"
        return ctx.private(
            Reply(
                text=f"Removed {_label(contact)}{gone if dropped else ''}.",
                meta={"removed": contact.id, "dropped": [c.id for c in dropped]},
            )
        )

    async def on_keep_pressed(self, ctx: Context) -> Reply:
        return ctx.private(Reply(text="Nothing changed.", meta={"changed": False}))

    async def on_rhythm_pressed(self, ctx: Context) -> Reply:
        """`contact:rhythm:ID:3m`: the update offered when someone was added a second time."""
        contact = await _pressed(ctx)
        spec = ctx.args[1] if len(ctx.args) > 1 else ""
        count = ascii_number(spec[:-1], max_digits=2)
        if count is None or spec[-1:] not in ("m", "w") or not 1 <= count <= MAX_RHYTHM:
            raise UserError("That button no longer works; add the contact again.")
        months, weeks = (count, 0) if spec.endswith("m") else (0, count)
        rule, due, _ = await _set_rhythm(ctx, contact, months, weeks)
        return ctx.private(
            Reply(
                text=f"Updated {_label(contact)}: I will remind you to get in touch "
                f"{rule.describe()}, next on {show_time(due, ctx.zone)}.",
                meta={"contact_id": contact.id, "due_at": due.astimezone(ctx.zone).isoformat()},
            )
        )

    async def export_member(self, session: AsyncSession, member: Member) -> dict[str, Any]:
        rows = await session.scalars(select(Contact).where(Contact.member_id == member.id))
        return {
            "contacts": [
                {
                    "name": c.name,
                    "company": c.company,
                    "role": c.role,
                    "how_met": c.how_met,
                    "last_contact_at": c.last_contact_at.isoformat() if c.last_contact_at else None,
                    "notes": c.notes,
                }
                for c in rows
            ]
        }

    async def delete_member(self, session: AsyncSession, member: Member) -> int:
        result = await session.execute(delete(Contact).where(Contact.member_id == member.id))
        return result.rowcount or 0


async def _find(ctx: Context, rest: str) -> tuple[Contact, str]:
    """The member's contact named at the start of `rest`, and the note after it."""
    rows = list(
        await ctx.session.scalars(select(Contact).where(Contact.member_id == ctx.member.id))
    )
    if not rows:
        raise UserError("You have no contacts yet. `/jobclub contact add NAME` adds one.")
    lowered = rest.lower()
    # Longest name first, so "Ana Ruiz" wins over "Ana" when both exist.
    hits: list[tuple[Contact, int]] = []
    for contact in rows:
        for candidate in (contact.name, contact.name.split()[0]):
            if re.match(re.escape(candidate.lower()) + r"(?=$|[\s,.:;!?-])", lowered):
                hits.append((contact, len(candidate)))
                break
    if hits:
        longest = max(length for _, length in hits)
        best = [c for c, length in hits if length == longest]
        note = rest[longest:].strip(" ,.:;!?-")
        if len(best) == 1:
            return best[0], note
        return _by_company(best, note)
    first = rest.split()[0].strip(",.:;!?-")
    match = process.extractOne(first, {c.id: c.name for c in rows}, scorer=fuzz.WRatio)
    names = ", ".join(c.name for c in rows[:8])
    hint = f" Did you mean {match[0]}?" if match and match[1] >= 70 else ""
    raise UserError(f"I don't know “{shorten(first, 40)}” among your contacts.{hint} ({names})")


async def _reset_clock(ctx: Context, contact: Contact) -> list[Commitment]:
    rows = await _open_for(ctx, contact)
    moved: list[Commitment] = []
    ladder_steps = [(c, _months_of(c)) for c in rows if _months_of(c) is not None]
    if ladder_steps:
        done = await ctx.session.scalars(
            select(Commitment.draft_id).where(
                Commitment.contact_id == contact.id, Commitment.status != "open"
            )
        )
        passed = max((m for d in done if (m := _months_from(d)) is not None), default=0)
        for commitment, months in ladder_steps:
            assert months is not None
            due = _due_after(ctx, months - passed, 0)
            store.schedule(commitment, due, ctx.now)
            moved.append(commitment)
    for commitment in rows:
        rule = store.recurrence_of(commitment)
        if rule is None or commitment in moved:
            continue
        months = rule.every if rule.unit == "month" else 0
        weeks = rule.every if rule.unit == "week" else 0
        due = _due_after(ctx, months, weeks)
        # Re-anchor the rhythm on the real contact, or the next repeat snaps back to the old day.
        rule = replace(rule, day=None, weekdays=()).anchored(due, ctx.zone)
        commitment.recurrence = rule.to_rrule()
        store.schedule(commitment, due, ctx.now)
        moved.append(commitment)
    return moved


def _months_of(commitment: Commitment) -> int | None:
    return _months_from(commitment.draft_id)


def _months_from(draft_id: str | None) -> int | None:
    found = _STAY_IN_TOUCH.match(draft_id or "")
    return int(found.group(1)) if found else None


def _due_after(ctx: Context, months: int, weeks: int) -> datetime:
    """The member's day start, `months` and `weeks` after today (at least tomorrow)."""
    today = ctx.now.astimezone(ctx.zone).date()
    day = add_months(today, months) + timedelta(weeks=weeks)
    day = max(day, today + timedelta(days=1))
    return local_instant(day, store.day_start(ctx.member), ctx.zone)


def _rhythm(rest: str) -> tuple[str, int, int]:
    """`Ana at Acme every 2 months` → ("Ana at Acme", 2, 0); no `every` gives the default.

    The rhythm is cut off first, so a number out of range is refused rather than read as
    part of the company name.
    """
    found = _EVERY.search(rest)
    if found is None:
        return rest, DEFAULT_CADENCE_MONTHS, 0
    said = (found["rhythm"] or "").strip()
    shape = _RHYTHM.match(said)
    if shape is None:
        raise UserError(
            f"I couldn't read “every {shorten(said, 30)}” as a rhythm. Say e.g. `every 2 weeks` "
            f"or `every 3 months` ({_RHYTHM_RANGE}). Nothing was saved."
        )
    word = (shape["n"] or "1").lower()
    count = ascii_number(word, max_digits=6)
    if count is None:
        count = NUMBER_WORDS.get(word, 1 if word in ("a", "an", "one") else None)
    if count is None or not 1 <= count <= MAX_RHYTHM:
        raise UserError(
            f"Pick a rhythm between {_RHYTHM_RANGE}; “every {shorten(said, 30)}” is outside "
            "that. Nothing was saved."
        )
    monthly = shape["unit"].lower().startswith("m")
    return rest[: found.start()], count if monthly else 0, 0 if monthly else count


def _label(contact: Contact) -> str:
    return f"{contact.name} ({contact.company})" if contact.company else contact.name


async def _same_person(ctx: Context, name: str, company: str | None) -> Contact | None:
    """The member's contact with this name at this company (letter case aside), if any."""
    rows = await ctx.session.scalars(
        select(Contact).where(
            Contact.member_id == ctx.member.id, func.lower(Contact.name) == name.lower()
        )
    )
    wanted = (company or "").lower()
    return next((c for c in rows if (c.company or "").lower() == wanted), None)


async def _open_for(ctx: Context, contact: Contact) -> list[Commitment]:
    return await store.open_for(ctx.session, ctx.member, contact_id=contact.id)


async def _offer_update(ctx: Context, contact: Contact, months: int, weeks: int) -> Reply:
    """Someone added twice: show what is there, offer the new rhythm instead of a copy."""
    recurring = [c for c in await _open_for(ctx, contact) if c.recurrence]
    rule = store.recurrence_of(recurring[0]) if recurring else None
    wanted = ("month", months) if months else ("week", weeks)
    asked = f"every {wanted[1]} {wanted[0]}{'s' if wanted[1] != 1 else ''}"
    meta: dict[str, Any] = {"contact_id": contact.id, "duplicate": True}
    if rule is not None and (rule.unit, rule.every) == wanted:
        due = recurring[0].due_at
        when = f"; next on {show_time(due, ctx.zone)}" if due else ""
        return Reply(
            text=f"You already stay in touch with {_label(contact)}, {rule.describe()}{when}. "
            "Nothing changed.",
            visibility=Visibility.ONLY_MEMBER,
            meta=meta,
        )
    now_text = f"is {rule.describe()}" if rule else "has no stay-in-touch rhythm yet"
    return Reply(
        text=f"You already have {_label(contact)}: their reminder {now_text}. "
        f"Change it to {asked} instead of adding them twice?",
        buttons=[
            Button(
                f"Update to {asked}",
                f"contact:rhythm:{contact.id}:{wanted[1]}{wanted[0][0]}",
                ButtonStyle.PRIMARY,
            ),
            Button("Keep as it is", "contact:keep"),
        ],
        visibility=Visibility.ONLY_MEMBER,
        meta={**meta, "offer": asked},
    )


async def _set_rhythm(
    ctx: Context, contact: Contact, months: int, weeks: int
) -> tuple[Recurrence, datetime, Commitment]:
    """Give `contact` this stay-in-touch rhythm: the open repeating reminder moves to it,
    or a new one is made. Returns the rule, the next due time and the commitment."""
    contact.cadence_days = months * 30 or weeks * 7
    start = store.day_start(ctx.member)
    rule = Recurrence(
        unit="month" if months else "week",
        every=months or weeks,
        hour=start.hour,
        minute=start.minute,
    ).anchored(ctx.now, ctx.zone)
    due = _due_after(ctx, months, weeks)
    recurring = [c for c in await _open_for(ctx, contact) if c.recurrence]
    if recurring:
        commitment = recurring[0]
        commitment.recurrence = rule.to_rrule()
        store.schedule(commitment, due, ctx.now)
        return rule, due, commitment
    commitment = await store.create(
        ctx.session,
        ctx.member,
        f"Get in touch with {_label(contact)}",
        due,
        ctx.now,
        source="contact",
        recurrence=rule,
        contact_id=contact.id,
    )
    return rule, due, commitment


async def _pressed(ctx: Context) -> Contact:
    """The member's own contact named by a button's id (never someone else's)."""
    contact_id = ascii_number(ctx.args[0]) if ctx.args else None
    contact = await ctx.session.get(Contact, contact_id) if contact_id is not None else None
    if contact is None or contact.member_id != ctx.member.id:
        raise UserError("That contact is no longer there. `/jobclub contacts` lists yours.")
    return contact


def _by_company(same_name: list[Contact], note: str) -> tuple[Contact, str]:
    """Two people share the name: `Dana at Acme had coffee` says which one."""
    said = re.match(r"^(?:at|from|@)\s+", note, re.IGNORECASE)
    after = note[said.end() :] if said else note.lstrip("(")
    for contact in sorted(same_name, key=lambda c: -len(c.company or "")):
        company = (contact.company or "").lower()
        if company and after.lower().startswith(company):
            return contact, after[len(company) :].strip(" ,.:;!?-)")
    labels = " or ".join(_label(c) for c in same_name[:4])
    first = same_name[0]
    example = f"{first.name} at {first.company}" if first.company else first.name
    raise UserError(f"Which one: {labels}? Add the company, e.g. `{example} had coffee`.")
