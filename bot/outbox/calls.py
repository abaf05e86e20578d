"""What one delivery sends to Slack, and what to record when it succeeds."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from bot.leads.messages import LeadMessages
from bot.ui.lead_view import LeadView
from storage import leads as repo
from storage import outbox as box
from storage.models import Lead, OutboxMessage


class NotYet:
    """A message that depends on another not yet delivered: try again shortly."""


NOT_YET = NotYet()
# Renders a day's burn-up chart: the PNG, its title and its alt text.
ChartMaker = Callable[[date], tuple[bytes, str, str]]


@dataclass(frozen=True)
class Pending:
    """A leased outbox row, detached from its session."""

    id: int
    kind: str
    channel: str
    lead_id: int | None
    # As stored: normally a dict, but a bad row may hold any JSON (the builder then fails).
    payload: Any
    # Whether an earlier try of this row has an unknown outcome (it may already be in Slack).
    in_doubt: bool = False
    lookups: int = 0
    attempts: int = 0
    faults: int = 0
    created_at: datetime | None = None


@dataclass
class SlackCall:
    """One Web API call, plus what the delivery records once Slack has the message."""

    method: str
    args: dict[str, Any]
    messages: list[Pending]
    announces: list[int] = field(default_factory=list)
    thread_root_of: int | None = None

    @property
    def ids(self) -> list[int]:
        """The outbox rows this call delivers."""
        return [m.id for m in self.messages]


def _thread_of(lead: Lead | None) -> str | None:
    if lead is None:
        return None
    return lead.thread_ts or lead.announce_ts


def build_call(
    session: Session,
    group: Sequence[Pending],
    messages: LeadMessages,
    charts: ChartMaker | None,
    now: datetime,
) -> SlackCall | NotYet | None:
    """Render a group of outbox rows from the database's state now; None if moot."""
    first = group[0]
    lead = repo.lead_by_id(session, first.lead_id) if first.lead_id is not None else None
    if first.kind == "announce":
        views = [
            LeadView.of(row)
            for row in (repo.lead_by_id(session, m.lead_id) for m in group if m.lead_id is not None)
            if row is not None
        ]
        if not views:
            return None
        reply = messages.announcement(views[0], now) if len(views) == 1 else messages.digest(views)
        return SlackCall(
            "chat.postMessage",
            {"channel": first.channel, **reply.payload()},
            list(group),
            announces=[v.id for v in views],
        )
    if first.kind == "late_note":
        late = [repo.lead_by_id(session, m.payload.get("lead")) for m in group]
        late_views = [LeadView.of(row) for row in late if row is not None]
        if not late_views:
            return None
        # Announced first: the managers hear of a late lead once its team can see it (a
        # dead-lettered announcement no longer holds the note back).
        if box.announcement_pending(session, [view.id for view in late_views]):
            return NOT_YET
        note = messages.late_arrivals(late_views)
        return SlackCall(
            "chat.postMessage", {"channel": first.channel, **note.payload()}, list(group)
        )
    if first.kind == "update_announcement":
        return _update_call(session, group, lead, messages, now)
    if first.kind == "chart":
        return _chart_call(session, first, charts)
    if first.kind == "thread_root":
        # Only a lead announced in a digest needs a message of its own to hold its thread.
        if lead is None or not lead.in_digest or lead.thread_ts:
            return None
        reply = messages.thread_root(LeadView.of(lead))
        return SlackCall(
            "chat.postMessage",
            {"channel": first.channel, **reply.payload()},
            list(group),
            thread_root_of=lead.id,
        )
    args = {"channel": first.channel, **first.payload}
    if first.kind == "thread":
        thread_ts = _thread_of(lead)
        if thread_ts:
            args["thread_ts"] = thread_ts
    return SlackCall("chat.postMessage", args, list(group))


def _update_call(
    session: Session,
    group: Sequence[Pending],
    lead: Lead | None,
    messages: LeadMessages,
    now: datetime,
) -> SlackCall | None:
    """Redraw an announcement (or digest) as its leads now stand."""
    payload = group[0].payload
    # A released lead names the old message: by delivery time it is announced anew elsewhere.
    ts = payload.get("ts") or (lead.announce_ts if lead else None)
    if lead is None or ts is None:
        return None
    digest = payload.get("digest", lead.in_digest)
    if digest:
        siblings = repo.leads_in_message(session, lead.announce_channel, ts)
        if not siblings:
            return None
        reply = messages.digest([LeadView.of(row) for row in siblings])
    elif "released_from" in payload:
        reply = messages.released_announcement(LeadView.of(lead), payload["released_from"])
    else:
        reply = messages.announcement(LeadView.of(lead), now)
    args = {"channel": lead.announce_channel, "ts": ts, **reply.payload()}
    return SlackCall("chat.update", args, list(group))


def _chart_call(
    session: Session, message: Pending, charts: ChartMaker | None
) -> SlackCall | NotYet | None:
    """Upload the standup's chart into the post's thread once the post has its ts."""
    after = message.payload.get("after")
    post = session.get(OutboxMessage, after) if isinstance(after, int) else None
    if charts is None or post is None or post.status in ("failed", "skipped", "dead"):
        return None
    if post.status != "sent" or not post.ts:
        return NOT_YET
    day = date.fromisoformat(str(message.payload["day"]))
    png, title, alt_text = charts(day)
    args = {
        "channel": message.channel,
        "thread_ts": post.ts,
        "content": png,
        "filename": f"burn-up-{day.isoformat()}.png",
        "title": title,
        # Read out by screen readers in place of the image (files.getUploadURLExternal).
        "alt_txt": alt_text,
    }
    return SlackCall("files_upload_v2", args, [message])


# Slack message metadata naming the outbox rows a post delivers: after a crash or a timeout
# the worker finds the post by it in the channel's history instead of posting it twice.
EVENT_TYPE = "sla_bot_outbox"


def tagged(call: SlackCall) -> SlackCall:
    """The call with its outbox IDs in the message's metadata (posts only; see EVENT_TYPE)."""
    if call.method != "chat.postMessage":
        return call
    payload: dict[str, Any] = {"outbox_id": call.ids[0]}
    if len(call.ids) > 1:
        payload["outbox_ids"] = call.ids
    args = {**call.args, "metadata": {"event_type": EVENT_TYPE, "event_payload": payload}}
    return SlackCall(call.method, args, call.messages, call.announces, call.thread_root_of)


def tag_ids(message: dict[str, Any]) -> list[int]:
    """The outbox IDs a message from Slack's history carries in its metadata, if ours."""
    metadata = message.get("metadata")
    if not isinstance(metadata, dict) or metadata.get("event_type") != EVENT_TYPE:
        return []
    payload = metadata.get("event_payload")
    if not isinstance(payload, dict):
        return []
    ids = payload.get("outbox_ids", [payload.get("outbox_id")])
    if not isinstance(ids, list):
        return []
    return [i for i in ids if isinstance(i, int) and not isinstance(i, bool)]
