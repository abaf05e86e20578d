"""SQLAlchemy models. Tables arrive with the issues that need them."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    TypeDecorator,
    UniqueConstraint,
    false,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp stored in UTC and always read back timezone-aware (SQLite drops the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Refuse naive values and store UTC."""
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Give back an aware UTC value."""
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Base(DeclarativeBase):
    """The declarative base every model derives from."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class SlackEvent(Base):
    """A Slack event already handled: Slack retries deliveries, so each event_id is kept once."""

    __tablename__ = "slack_events"

    event_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Lead(Base):
    """A qualified lead handed from Marketing to Sales (shown to people as L-<id>)."""

    __tablename__ = "leads"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    external_id: Mapped[str | None] = mapped_column(String(200))
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(254))
    email_key: Mapped[str | None] = mapped_column(String(254), index=True)
    phone: Mapped[str | None] = mapped_column(String(50))
    company: Mapped[str | None] = mapped_column(String(200))
    source: Mapped[str | None] = mapped_column(String(100))
    reason: Mapped[str | None] = mapped_column(String(1000))
    via: Mapped[str] = mapped_column(String(16))
    handed_off_by: Mapped[str | None] = mapped_column(String(32))
    handed_off_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    respond_by: Mapped[datetime] = mapped_column(UTCDateTime())
    status: Mapped[str] = mapped_column(String(20), index=True)
    owner_id: Mapped[str | None] = mapped_column(String(32))
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    announce_channel: Mapped[str] = mapped_column(String(32))
    announce_ts: Mapped[str | None] = mapped_column(String(32), index=True)
    in_digest: Mapped[bool] = mapped_column(Boolean, default=False)
    thread_ts: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    first_touch_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    breached_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The escalation ladder's pointer: which step comes next and when it falls due.
    next_step: Mapped[int | None] = mapped_column(Integer)
    next_step_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    # Speed, kept for the reports: seconds from handoff, on the wall and in business time.
    claim_seconds: Mapped[int | None] = mapped_column(Integer)
    claim_business_seconds: Mapped[int | None] = mapped_column(Integer)
    first_touch_seconds: Mapped[int | None] = mapped_column(Integer)
    first_touch_business_seconds: Mapped[int | None] = mapped_column(Integer)
    # From the bot receiving the handoff to Slack taking its first announcement: the wait that
    # was the system's, not the reps' (wall-clock seconds).
    announce_seconds: Mapped[int | None] = mapped_column(Integer)
    # The cadence's pointer: the pending step, when its next nudge is due, how many were sent.
    cadence_step: Mapped[int | None] = mapped_column(Integer)
    cadence_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    cadence_nudges: Mapped[int] = mapped_column(Integer, default=0)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    close_reason: Mapped[str | None] = mapped_column(String(300))
    # A lead whose tick handling keeps failing is set aside so that it cannot stop the others:
    # failures in a row, and when (and in which part of the tick, with which error class) it
    # was set aside. The due queries skip set-aside leads.
    tick_failures: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    set_aside_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    set_aside_reason: Mapped[str | None] = mapped_column(String(200))


class Handoff(Base):
    """One handoff received; several may point at one lead (replays, the same email again)."""

    __tablename__ = "handoffs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    external_id: Mapped[str | None] = mapped_column(String(200), unique=True)
    lead_id: Mapped[int] = mapped_column(ForeignKey("leads.id"), index=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime())
    attached: Mapped[bool] = mapped_column(Boolean, default=False)


class LeadEvent(Base):
    """Something that happened to a lead: its timeline."""

    __tablename__ = "lead_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    lead_id: Mapped[int] = mapped_column(ForeignKey("leads.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    kind: Mapped[str] = mapped_column(String(32))
    actor: Mapped[str | None] = mapped_column(String(32))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class OutboxMessage(Base):
    """A message the bot owes Slack, written with the change that caused it."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_pending", "status", "due_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    lead_id: Mapped[int | None] = mapped_column(ForeignKey("leads.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    channel: Mapped[str] = mapped_column(String(32))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    ts: Mapped[str | None] = mapped_column(String(32))
    error: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # Set when a try is leased, cleared on a definite answer: a crash or a timeout mid-call
    # leaves it set, and the next try looks the message up in Slack before posting again.
    in_doubt: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    lookups: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # Tries that failed for a reason of the row's own (not Slack's): enough of them and the
    # row is set aside, however long an outage made it wait before.
    faults: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class PaceSlot(Base):
    """When the next message may go to a channel (Slack allows about one a second)."""

    __tablename__ = "pace_slots"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    next_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Touch(Base):
    """A logged attempt to reach a lead: a call, a voicemail or an email, and how it went."""

    __tablename__ = "touches"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    lead_id: Mapped[int] = mapped_column(ForeignKey("leads.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    outcome: Mapped[str] = mapped_column(String(24))
    reason: Mapped[str | None] = mapped_column(String(300))
    actor: Mapped[str] = mapped_column(String(32))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    # One touch per (lead, step) clicked: a double tap on a DM button records it once.
    click_key: Mapped[str | None] = mapped_column(String(100), unique=True)


class NotificationLedger(Base):
    """One row per notification step fired for a lead: the step fires exactly once."""

    __tablename__ = "notification_ledger"
    __table_args__ = (UniqueConstraint("lead_id", "step"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    lead_id: Mapped[int] = mapped_column(ForeignKey("leads.id"))
    step: Mapped[str] = mapped_column(String(64))
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    fired_at: Mapped[datetime] = mapped_column(UTCDateTime())


class CadenceEvent(Base):
    """A step skipped or snoozed by its owner (touches live in their own table)."""

    __tablename__ = "cadence_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    lead_id: Mapped[int] = mapped_column(ForeignKey("leads.id"), index=True)
    action: Mapped[str] = mapped_column(String(16))
    step: Mapped[int] = mapped_column(Integer)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    actor: Mapped[str] = mapped_column(String(32))
    # One skip or snooze per (lead, step, tap): a double tap records it once.
    click_key: Mapped[str | None] = mapped_column(String(100), unique=True)


class AwayPeriod(Base):
    """A rep's time away: no nudges, not a claimer, breaching leads reassigned."""

    __tablename__ = "away_periods"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_id: Mapped[str] = mapped_column(String(32), index=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class ReportedCount(Base):
    """A goal's count for one day, reported from outside (analytics, a marketer)."""

    __tablename__ = "reported_counts"
    __table_args__ = (UniqueConstraint("metric", "day"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    metric: Mapped[str] = mapped_column(String(64))
    day: Mapped[date] = mapped_column(Date)
    value: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_by: Mapped[str | None] = mapped_column(String(32))


class CountEntry(Base):
    """Each recording of a reported count, kept: who added or set what, and when."""

    __tablename__ = "count_entries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    metric: Mapped[str] = mapped_column(String(64))
    day: Mapped[date] = mapped_column(Date, index=True)
    value: Mapped[int] = mapped_column(Integer)
    mode: Mapped[str] = mapped_column(String(8))
    by: Mapped[str | None] = mapped_column(String(32))
    at: Mapped[datetime] = mapped_column(UTCDateTime())


class InboxItem(Base):
    """A Slack click journaled before its ack, so that a crash cannot lose what was acked."""

    __tablename__ = "inbox"
    __table_args__ = (Index("ix_inbox_open", "answered_at", "lease_until"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(32))
    # One row per click: a replayed or retried request finds the row and adds nothing.
    key: Mapped[str] = mapped_column(String(200), unique=True)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # pending (journaled) -> done (decided, with its outcome); answered_at once the clicker
    # was told (or the answer had to be dropped).
    status: Mapped[str] = mapped_column(String(16))
    outcome: Mapped[str | None] = mapped_column(String(32))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    received_at: Mapped[datetime] = mapped_column(UTCDateTime())
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class OnceKey(Base):
    """Something that must happen once: a standup per (channel, day), a celebration."""

    __tablename__ = "once_keys"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime())


class CrmReceipt(Base):
    """A record or event a CRM sent, kept once by its key (a replay finds it)."""

    __tablename__ = "crm_receipts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    source: Mapped[str] = mapped_column(String(16))
    key: Mapped[str] = mapped_column(String(200), unique=True)
    verdict: Mapped[str] = mapped_column(String(16))
    # handed_off | attached | unmapped | ignored
    outcome: Mapped[str] = mapped_column(String(16))
    missing: Mapped[list[str]] = mapped_column(JSON, default=list)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    lead_id: Mapped[int | None] = mapped_column(ForeignKey("leads.id"))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime())
