"""The core application: turns one inbound event into replies, safely."""

from __future__ import annotations

import gc
import logging
import secrets
from dataclasses import dataclass

from sqlalchemy import select

from bot import dm, members, metrics, offers
from bot.clock import Clock
from bot.content import Library, load_library
from bot.content.search import TipIndex
from bot.context import Context
from bot.dedupe import DeliveryLedger
from bot.errors import UserError
from bot.events import ActionEvent, CommandEvent, Event, MemberRef, MessageEvent, Place
from bot.features import Feature, load_features
from bot.replies import Button, Reply, Section, Visibility
from bot.router import Router
from bot.scheduling import Deliver, Dispatcher
from bot.services import Services
from bot.settings import Settings
from bot.store.database import Database
from bot.store.models import Club, Commitment, Member
from bot.text import MAX_INPUT_CHARS, clean_input, fold

log = logging.getLogger(__name__)


def freeze_startup_objects() -> None:
    """Keep what start-up loaded (it lives as long as the process) out of the garbage
    collector's full passes, which otherwise stall the event loop ~100 ms at a time."""
    gc.collect()
    gc.freeze()


@dataclass
class JobClubBot:
    """Everything the adapters talk to. Build it with `JobClubBot.create`."""

    services: Services

    @classmethod
    async def create(
        cls,
        settings: Settings,
        clock: Clock,
        *,
        db: Database | None = None,
        library: Library | None = None,
        features: list[Feature] | None = None,
    ) -> JobClubBot:
        """Load content, open and prepare the database, and register every feature."""
        library = library or load_library(
            settings.jobclub_content_dir, settings.jobclub_club_content_dir
        )
        db = db or Database(settings.database_url)
        await db.prepare()
        router = Router()
        features = features if features is not None else load_features()
        for feat in features:
            feat.register(router)
        offers.register(router)
        services = Services(
            settings=settings,
            db=db,
            clock=clock,
            library=library,
            tip_index=TipIndex.for_library(library),
            router=router,
            features=tuple(features),
        )
        return cls(services)

    @property
    def router(self) -> Router:
        return self.services.router

    def dispatcher(self, deliver: Deliver) -> Dispatcher:
        work = [w for f in self.services.features for w in f.scheduled_work()]
        return Dispatcher(self.services, work, deliver)

    async def close(self) -> None:
        await self.services.db.dispose()

    async def first_delivery(self, key: str) -> bool:
        """Whether no replica has handled this platform delivery yet (and claim it if so).

        Adapters pass a key that names the delivery (e.g. `slack:event:<event_id>`); a
        retried copy, whichever process it reaches, gets False (`bot.dedupe`).
        """
        services = self.services
        return await DeliveryLedger(services.db, services.clock).first_time(key)

    async def home(self, member: MemberRef) -> Reply:
        """The member's overview (open commitments, progress...) from every feature."""
        services = self.services
        async with services.db.session() as session:
            # Read-only: opening a home tab must not bring back a member who deleted their data.
            found = (
                await session.execute(
                    select(Club, Member)
                    .join(Member, Member.club_id == Club.id)
                    .where(
                        Club.platform == member.platform.value,
                        Club.external_id == member.club_id,
                        Member.user_id == member.user_id,
                    )
                )
            ).first()
            if found is None:
                return _welcome(member)
            club, row = found
            event = CommandEvent(member, Place.dm(), "home", "")
            ctx = Context(event, session, club, row, services)
            sections: list[Section] = []
            extra: list[Button] = []
            for feat in services.features:
                sections.extend(await feat.home_sections(ctx))
                extra.extend(await feat.home_buttons(ctx))
        return Reply(
            title=f"Hi {row.display_name}",
            text="Your job-club overview. Everything here is visible to you only.",
            sections=sections,
            buttons=[
                Button("A tip", "tip:another"),
                Button("My commitments", "commit:list"),
                Button("Help", "jobclub:help"),
                *extra,
            ],
            visibility=Visibility.ONLY_MEMBER,
            meta={"home": True},
        )

    async def open_commitments(self, member: MemberRef) -> list[tuple[int, str]]:
        """(number, text) of the member's open commitments, soonest first; read-only.

        For adapters' autocomplete: an unknown member gets [] and is not created.
        """
        async with self.services.db.session() as session:
            rows = await session.execute(
                select(Commitment.number, Commitment.text)
                .join(Member, Member.id == Commitment.member_id)
                .join(Club, Club.id == Member.club_id)
                .where(
                    Club.platform == member.platform.value,
                    Club.external_id == member.club_id,
                    Member.user_id == member.user_id,
                    Commitment.status == "open",
                )
                .order_by(Commitment.due_at.is_(None), Commitment.due_at, Commitment.number)
                .limit(25)
            )
            return [(number, text) for number, text in rows.all()]

    @metrics.measured
    async def handle(self, event: Event) -> list[Reply]:
        """Answer one event. Never raises: failures become a friendly reply with a reference."""
        try:
            return await self._handle(event)
        except UserError as exc:
            return [Reply(text=str(exc), visibility=Visibility.ONLY_MEMBER, meta={"error": "user"})]
        except Exception:
            ref = secrets.token_hex(4)
            log.exception("error ref=%s while handling %s", ref, _describe(event))
            return [
                Reply(
                    text=(
                        "Sorry, something went wrong on my side and I could not finish that. "
                        "Nothing you wrote was lost; please try again in a moment. "
                        f"If it keeps happening, tell your club admin reference {ref}."
                    ),
                    visibility=Visibility.ONLY_MEMBER,
                    meta={"error": "internal", "reference": ref},
                )
            ]

    async def _handle(self, event: Event) -> list[Reply]:
        text = _event_text(event)
        if len(text) > MAX_INPUT_CHARS:
            raise UserError(
                f"That is {len(text):,} characters, more than the {MAX_INPUT_CHARS:,} I can take "
                "in one message. I have not saved any of it: please send a shorter version."
            )
        if isinstance(event, MessageEvent) and not event.place.is_dm:
            return []  # channel chatter is not for the bot
        handler, ctx_text, args = self._route(event, clean_input(_payload(event)))
        if handler is None:
            return [ctx_text] if isinstance(ctx_text, Reply) else []
        services = self.services
        async with services.db.session() as session:
            club, member = await members.resolve(
                session, services.db.dialect, event.member, services.clock.now()
            )
            ctx = Context(event, session, club, member, services, str(ctx_text), args)
            result = await handler(ctx)
        if result is None:
            return []
        return result if isinstance(result, list) else [result]

    def _route(self, event: Event, text: str):
        """(handler, text, args) for the event, or (None, a Reply to send, ())."""
        router = self.router
        if isinstance(event, ActionEvent):
            found = router.action(event.action_id)
            if found is None:
                return None, _stale_button(), ()
            return found[0], event.value or "", tuple(found[1])
        if isinstance(event, CommandEvent):
            name = fold(event.name.lstrip("/")).replace(" ", "")
            if not name:
                return None, _empty_command(), ()
            spec = router.command(name)
            if spec is None and name in dm.HELP_COMMANDS and router.help is not None:
                return router.help, text, ()
            if spec is None:
                # a typo or another word for a command: run it when plainly meant,
                # else "Did you mean" buttons (bot.offers)
                handler = offers.unregistered(router, name, text)
                if handler is not None:
                    return handler, text, ()
                return None, _unknown_command(name, None), ()
            return spec.handler, text, ()
        # A direct message: bot.dm decides, once, whether it is help, cancel, a command,
        # the conversation holding the DM (bot.focus), a fallback reader, or a greeting.
        return self._dm_handler, text, ()

    async def _dm_handler(self, ctx: Context) -> Reply | list[Reply] | None:
        return await dm.answer(ctx)


def _welcome(member: MemberRef) -> Reply:
    return Reply(
        title=f"Hi {member.display_name}",
        text="I help you prepare for interviews and keep your follow-ups. Nothing is stored "
        "about you yet. Start with a tip, or see what I can do.",
        buttons=[Button("A tip", "tip:another"), Button("Help", "jobclub:help")],
        visibility=Visibility.ONLY_MEMBER,
        meta={"home": True, "new_member": True},
    )


def _event_text(event: Event) -> str:
    if isinstance(event, ActionEvent):
        return f"{event.action_id} {event.value or ''}"
    if isinstance(event, CommandEvent):
        return f"{event.name} {event.text}"
    return event.text


def _payload(event: Event) -> str:
    if isinstance(event, ActionEvent):
        return event.value or ""
    return event.text


def _empty_command() -> Reply:
    return Reply(
        text="Type a command after the slash, for example `/tip networking`. "
        "`/jobclub help` lists them all.",
        visibility=Visibility.ONLY_MEMBER,
        meta={"error": "empty_command"},
    )


def _unknown_command(name: str, suggestion: str | None) -> Reply:
    shown = name[:40]
    hint = f" Did you mean `/{suggestion}`?" if suggestion else ""
    return Reply(
        text=f"I don't know `/{shown}`.{hint} `/jobclub help` lists every command.",
        buttons=[Button("Show help", "jobclub:help")],
        visibility=Visibility.ONLY_MEMBER,
        meta={"error": "unknown_command", "suggestion": suggestion},
    )


def _stale_button() -> Reply:
    return Reply(
        text="That button no longer does anything, maybe it is from an older message. "
        "Run the command again for fresh buttons.",
        visibility=Visibility.ONLY_MEMBER,
        meta={"error": "unknown_action"},
    )


def _describe(event: Event) -> str:
    """For logs: what kind of event, never what the member wrote."""
    kind = type(event).__name__
    detail = ""
    if isinstance(event, CommandEvent):
        detail = f" /{event.name[:40]}"
    elif isinstance(event, ActionEvent):
        detail = f" {event.action_id[:80]}"
    return f"{kind}{detail} from {event.member.platform}:{event.member.user_id}"
