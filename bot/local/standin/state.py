"""Workspace state and call recording behind the Slack stand-in."""

import copy
import itertools
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from bot.local.standin.socket_mode import SocketHub

TEAM_ID = "T0STANDIN"
TEAM_DOMAIN = "standin"
BOT_USER_ID = "U0SLABOT"
BOT_ID = "B0SLABOT"
APP_ID = "A0SLABOT"
# Pseudo method names under which the two non-Web-API endpoints are recorded.
UPLOAD_METHOD = "upload"
RESPONSE_URL_METHOD = "response_url"
DEFAULT_TZ = "America/Mexico_City"

# Message ts follow the wall clock, as Slack's do, so `oldest`/`latest` in conversations.history
# mean what they mean on Slack; each is at least a step after the last, so they stay unique
# and increasing. Trigger ids keep a fixed epoch.
_TS_EPOCH = 1_700_000_000
_TS_STEP_MICROS = 100


@dataclass(frozen=True)
class RecordedCall:
    """One request the stand-in answered: method, decoded args, HTTP status, time, JSON reply."""

    method: str
    args: dict[str, Any]
    status: int
    at: float
    response: dict[str, Any]
    headers: dict[str, str] = field(default_factory=dict, repr=False)

    @property
    def ok(self) -> bool:
        """Whether Slack would have called this a success (HTTP 200 and ok: true)."""
        return self.status == 200 and bool(self.response.get("ok"))

    @property
    def error(self) -> str | None:
        """The Slack error code of a failed call, if any."""
        value = self.response.get("error")
        return str(value) if value is not None else None


@dataclass
class StoredMessage:
    """A message as it currently stands in a channel (ephemeral ones carry their recipient)."""

    channel: str
    ts: str
    text: str
    blocks: list[Any]
    thread_ts: str | None = None
    user: str | None = None
    files: list[str] = field(default_factory=list)
    edits: int = 0
    # Slack message metadata ({"event_type", "event_payload"}), shown only when asked for.
    metadata: dict[str, Any] | None = None

    def as_dict(self) -> dict[str, Any]:
        """Return a detached dict copy so callers cannot mutate server state."""
        return {
            "channel": self.channel,
            "ts": self.ts,
            "text": self.text,
            "blocks": copy.deepcopy(self.blocks),
            "thread_ts": self.thread_ts,
            "user": self.user,
            "ephemeral": self.user is not None,
            "files": list(self.files),
            "edits": self.edits,
            "metadata": copy.deepcopy(self.metadata),
        }


@dataclass
class StoredFile:
    """A file going through getUploadURLExternal -> upload POST -> completeUploadExternal."""

    id: str
    name: str
    length: int
    content: bytes | None = None
    title: str | None = None
    completed: bool = False
    channels: list[str] = field(default_factory=list)
    thread_ts: str | None = None
    initial_comment: str | None = None

    def as_dict(self) -> dict[str, Any]:
        """Return a plain dict view of the file for tests."""
        return {
            "id": self.id,
            "name": self.name,
            "title": self.title or self.name,
            "length": self.length,
            "content": self.content,
            "completed": self.completed,
            "channels": list(self.channels),
            "thread_ts": self.thread_ts,
            "initial_comment": self.initial_comment,
        }


@dataclass
class ResponseUrl:
    """A response_url handed to the bot, bound to where Slack would post its replies."""

    token: str
    channel: str | None = None
    message_ts: str | None = None
    user_id: str | None = None
    uses: int = 0


@dataclass
class Hold:
    """Calls whose effect happens at once but whose answer waits until released (or never).

    What a crash or a client timeout in the middle of a call looks like from Slack's side.
    """

    method: str | None
    channel: str | None
    remaining: int | None
    seconds: float | None
    released: threading.Event = field(default_factory=threading.Event)
    held: int = 0

    def matches(self, method: str, channels: tuple[str | None, ...]) -> bool:
        """Whether a call to method in one of channels is held by this."""
        if self.remaining is not None and self.remaining <= 0:
            return False
        if self.method is not None and self.method != method:
            return False
        return self.channel is None or self.channel in channels

    def release(self) -> None:
        """Let every held answer (and any later one) go."""
        self.released.set()


@dataclass
class Fault:
    """A pending injected failure for one method."""

    status: int
    remaining: int
    retry_after: int | None
    error: str


class StandInState:
    """All mutable state of one stand-in, guarded by a single re-entrant lock."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.changed = threading.Condition(self.lock)
        self.generation = 0
        self.base_url = ""
        self.valid_token: str | None = None
        self.trigger_ttl = 3.0
        self.response_url_max_uses = 5
        self.users: dict[str, dict[str, Any]] = {}
        # Open WebSocket links outlive reset(), as an app's connection outlives a workspace change.
        self.sockets = SocketHub()
        self.reset()

    def reset(self) -> None:
        """Forget every message, call, fault and id, keeping only the added users."""
        with self.lock:
            for hold in getattr(self, "holds", []):
                hold.release()  # answers held for the old workspace go now
            self.calls: list[RecordedCall] = []
            self.messages: dict[tuple[str, str], StoredMessage] = {}
            self.dms: dict[str, str] = {}
            self.views: dict[str, dict[str, Any]] = {}
            self.home_views: dict[str, str] = {}
            self.files: dict[str, StoredFile] = {}
            self.response_urls: dict[str, ResponseUrl] = {}
            self.response_bodies: list[tuple[str, dict[str, Any]]] = []
            self.triggers: dict[str, float] = {}
            self.used_triggers: set[str] = set()
            self.faults: dict[str, Fault] = {}
            self.delays: dict[tuple[str | None, str | None], float] = {}
            self.holds: list[Hold] = []
            self.per_channel_rate: float | None = None
            self.last_post_at: dict[str, float] = {}
            self.rate_limited_count = 0
            self._last_ts_micros = 0
            self._id_counter = itertools.count(1)
            self._bump()

    def _bump(self) -> None:
        self.generation += 1
        self.changed.notify_all()

    @contextmanager
    def mutating(self) -> Iterator[None]:
        """Hold the lock and wake waiters afterwards, for any change tests may wait on."""
        with self.lock:
            try:
                yield
            finally:
                self._bump()

    def next_ts(self) -> str:
        """Return a unique, increasing Slack-style message timestamp (from the wall clock)."""
        with self.lock:
            micros = max(time.time_ns() // 1_000, self._last_ts_micros + _TS_STEP_MICROS)
            self._last_ts_micros = micros
        return f"{micros // 1_000_000}.{micros % 1_000_000:06d}"

    def next_id(self, prefix: str) -> str:
        """Return a unique Slack-style object id such as V0000007."""
        return f"{prefix}{next(self._id_counter):07d}"

    def record(self, call: RecordedCall) -> None:
        """Append a call and wake anyone waiting for it."""
        with self.mutating():
            self.calls.append(call)

    def take_fault(self, method: str) -> Fault | None:
        """Consume one pending injected failure for method, if any."""
        with self.lock:
            fault = self.faults.get(method)
            if fault is None:
                return None
            fault.remaining -= 1
            if fault.remaining <= 0:
                del self.faults[method]
            return fault

    def delay_for(self, method: str, channels: tuple[str | None, ...] = ()) -> float:
        """Seconds to hold the answer to method (the most specific delay set wins)."""
        keys = [(name, c) for c in channels if c for name in (method, None)]
        keys += [(method, None), (None, None)]
        with self.lock:
            return next((self.delays[key] for key in keys if key in self.delays), 0.0)

    def take_hold(self, method: str, channels: tuple[str | None, ...]) -> Hold | None:
        """The hold this call's answer waits on, if any (counting it)."""
        with self.mutating():
            for hold in self.holds:
                if not hold.released.is_set() and hold.matches(method, channels):
                    hold.held += 1
                    if hold.remaining is not None:
                        hold.remaining -= 1
                    return hold
            return None

    def post_is_rate_limited(self, channel: str) -> bool:
        """Whether a chat.postMessage to channel now breaks the simulated per-channel limit."""
        with self.lock:
            if not self.per_channel_rate:
                return False
            last = self.last_post_at.get(channel)
            now = time.monotonic()
            if last is not None and now - last < 1.0 / self.per_channel_rate:
                self.rate_limited_count += 1
                return True
            return False

    def note_post(self, channel: str) -> None:
        """Remember when a post to channel was accepted, for the per-channel limit."""
        with self.lock:
            self.last_post_at[channel] = time.monotonic()

    def dm_channel(self, user_id: str) -> tuple[str, bool]:
        """Return the stable DM id for a user and whether it was already open."""
        with self.lock:
            existing = self.dms.get(user_id)
            if existing is not None:
                return existing, True
            self.dms[user_id] = f"D{user_id}"
            return self.dms[user_id], False

    def add_message(self, message: StoredMessage) -> StoredMessage:
        """Store a new message under its (channel, ts) key."""
        with self.mutating():
            self.messages[(message.channel, message.ts)] = message
        return message

    def find_message(self, channel: str | None, ts: str | None) -> StoredMessage | None:
        """Look up a stored message by channel and ts."""
        if not channel or not ts:
            return None
        with self.lock:
            return self.messages.get((channel, ts))

    def issue_trigger(self) -> str:
        """Register a fresh trigger_id so views.open can enforce Slack's 3 s validity."""
        with self.lock:
            n = next(self._id_counter)
            trigger = f"{n}.{_TS_EPOCH}.{n:032x}"
            self.triggers[trigger] = time.monotonic()
            return trigger

    def use_trigger(self, trigger_id: str) -> str | None:
        """Exchange a trigger_id; return a Slack error code if it cannot be used."""
        with self.lock:
            if trigger_id in self.used_triggers:
                return "exchanged_trigger_id"
            issued = self.triggers.get(trigger_id)
            # Unregistered ids (hand-written in tests) are accepted once, like fresh ones.
            if issued is not None and time.monotonic() - issued > self.trigger_ttl:
                return "expired_trigger_id"
            self.used_triggers.add(trigger_id)
            return None
