"""Tables shared by every feature. UTC instants in the database, always."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String, TypeDecorator, UniqueConstraint
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class UTCDateTime(TypeDecorator[datetime]):
    """Stores aware datetimes as UTC and always hands back aware UTC datetimes.

    SQLite keeps no offset, PostgreSQL does: normalising here makes both behave the same.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Base(DeclarativeBase):
    pass


class Club(Base):
    """A Slack workspace, a Discord guild, or the console's pretend club."""

    __tablename__ = "clubs"
    __table_args__ = (UniqueConstraint("platform", "external_id", name="uq_clubs_platform_ext"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    platform: Mapped[str] = mapped_column(String(16))
    external_id: Mapped[str] = mapped_column(String(64))
    name: Mapped[str | None] = mapped_column(String(200), default=None)
    default_tz: Mapped[str | None] = mapped_column(String(64), default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Member(Base):
    """A person in a club. `tz` is what they chose; `platform_tz` what their profile says."""

    __tablename__ = "members"
    __table_args__ = (UniqueConstraint("club_id", "user_id", name="uq_members_club_user"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    club_id: Mapped[int] = mapped_column(ForeignKey("clubs.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[str] = mapped_column(String(64))
    display_name: Mapped[str] = mapped_column(String(200))
    tz: Mapped[str | None] = mapped_column(String(64), default=None)
    platform_tz: Mapped[str | None] = mapped_column(String(64), default=None)
    dm_channel_id: Mapped[str | None] = mapped_column(String(64), default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime())


class SeenTip(Base):
    """Which tips a member has been shown, so `/tip` keeps offering new ones."""

    __tablename__ = "seen_tips"
    __table_args__ = (UniqueConstraint("member_id", "tip_id", name="uq_seen_tips_member_tip"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), index=True)
    tip_id: Mapped[str] = mapped_column(String(80))
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime())
