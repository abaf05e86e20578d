"""SlackStandIn: a real local HTTP server speaking the Slack Web API subset the bot uses."""

import copy
import threading
import time
import uuid
from collections.abc import Callable
from types import TracebackType
from typing import Any, Self

from bot.local.standin import response_urls
from bot.local.standin.http_handler import StandInHTTPServer
from bot.local.standin.state import DEFAULT_TZ, Fault, Hold, RecordedCall, StandInState
from bot.local.standin.users import add_user, make_user


class SlackStandIn:
    """Local Slack stand-in for tests, the offline demo and benchmarks.

    Point slack_sdk at it with ``WebClient(token=..., base_url=standin.api_url)``.
    """

    def __init__(self, *, token: str | None = None, host: str = "127.0.0.1") -> None:
        self._state = StandInState()
        self._state.valid_token = token
        self._host = host
        self._server: StandInHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle ---------------------------------------------------------------------------

    def start(self) -> Self:
        """Bind an ephemeral port and serve on a daemon thread; returns self for chaining."""
        if self._server is not None:
            return self
        self._server = StandInHTTPServer((self._host, 0), self._state)
        self._state.base_url = f"http://{self._host}:{self._server.server_address[1]}"
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="slack-standin",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and release the port; safe to call twice."""
        server, thread = self._server, self._thread
        self._server = self._thread = None
        if server is not None:
            self._state.sockets.close_all()
            server.shutdown()
            server.server_close()
        if thread is not None:
            thread.join(timeout=5)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def port(self) -> int:
        """The bound TCP port."""
        if self._server is None:
            raise RuntimeError("SlackStandIn is not started")
        return int(self._server.server_address[1])

    @property
    def base_url(self) -> str:
        """Root URL without trailing slash, e.g. http://127.0.0.1:PORT."""
        return f"http://{self._host}:{self.port}"

    @property
    def api_url(self) -> str:
        """Web API root with trailing slash, usable as slack_sdk WebClient(base_url=...)."""
        return f"{self.base_url}/api/"

    # -- inspection --------------------------------------------------------------------------

    def calls(self, method: str | None = None) -> list[RecordedCall]:
        """Return a copy of the recorded calls, optionally only those to one method."""
        with self._state.lock:
            return [c for c in self._state.calls if method is None or c.method == method]

    def clear(self) -> None:
        """Forget recorded calls and response_url bodies; workspace state is kept."""
        with self._state.mutating():
            self._state.calls.clear()
            self._state.response_bodies.clear()

    def reset(self) -> None:
        """Return to a fresh workspace (messages, files, views, faults) keeping added users."""
        self._state.reset()

    def messages(self, channel: str | None = None) -> list[dict[str, Any]]:
        """Current state of posted messages (after updates/deletes), oldest first."""
        with self._state.lock:
            found = [
                m.as_dict()
                for m in self._state.messages.values()
                if channel is None or m.channel == channel
            ]
        return sorted(found, key=lambda m: m["ts"])

    def message(self, channel: str, ts: str) -> dict[str, Any] | None:
        """Current state of one message, or None if unknown or deleted."""
        found = self._state.find_message(channel, ts)
        if found is None:
            return None
        with self._state.lock:
            return found.as_dict()

    def files(self) -> list[dict[str, Any]]:
        """Files seen through files_upload_v2, with their uploaded bytes."""
        with self._state.lock:
            return [f.as_dict() for f in self._state.files.values()]

    def views(self) -> list[dict[str, Any]]:
        """Current views (modals and Home tabs) as Slack last returned them."""
        with self._state.lock:
            return copy.deepcopy(list(self._state.views.values()))

    def home_view(self, user_id: str) -> dict[str, Any] | None:
        """The Home tab last published for a user, if any."""
        with self._state.lock:
            view = self._state.views.get(self._state.home_views.get(user_id, ""))
            return copy.deepcopy(view)

    def responses(self, token_or_url: str | None = None) -> list[dict[str, Any]]:
        """JSON bodies accepted on response_urls, optionally for one token or URL."""
        token = response_urls.token_of(token_or_url) if token_or_url else None
        with self._state.lock:
            return [
                copy.deepcopy(body)
                for t, body in self._state.response_bodies
                if token is None or t == token
            ]

    @property
    def rate_limited_count(self) -> int:
        """How many chat.postMessage calls the per-channel limit answered with 429."""
        with self._state.lock:
            return self._state.rate_limited_count

    # -- waiting -----------------------------------------------------------------------------

    def wait_for(self, predicate: Callable[["SlackStandIn"], bool], timeout: float = 5.0) -> None:
        """Block until predicate(self) holds; AssertionError with a call summary on timeout."""
        deadline = time.monotonic() + timeout
        cond = self._state.changed
        while True:
            with cond:
                generation = self._state.generation
            # Evaluated without the lock so a predicate may do anything, even call the server.
            if predicate(self):
                return
            with cond:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(
                        f"timed out after {timeout:.2f}s waiting for {predicate!r}\n"
                        + self.summary()
                    )
                if self._state.generation == generation:
                    # Bounded so time-based predicates are re-checked even without new calls.
                    cond.wait(min(remaining, 0.1))

    def wait_for_calls(
        self, method: str, count: int = 1, timeout: float = 5.0
    ) -> list[RecordedCall]:
        """Wait until at least count calls to method were recorded and return them."""
        self.wait_for(lambda s: len(s.calls(method)) >= count, timeout)
        return self.calls(method)

    def summary(self, last: int = 40) -> str:
        """Human-readable list of the last recorded calls, for assertion messages."""
        calls = self.calls()
        lines = [f"recorded calls ({len(calls)} total, last {min(last, len(calls))}):"]
        for call in calls[-last:]:
            outcome = "ok" if call.ok else f"error={call.error}"
            keys = ",".join(sorted(call.args))
            lines.append(f"  {call.method} -> {call.status} {outcome} args[{keys}]")
        return "\n".join(lines)

    # -- configuration -----------------------------------------------------------------------

    def fail(
        self,
        method: str,
        status: int = 500,
        times: int = 1,
        retry_after: int | None = None,
        error: str | None = None,
    ) -> None:
        """Answer the next `times` calls to method with an HTTP error (429 -> ratelimited)."""
        code = error or ("ratelimited" if status == 429 else "internal_error")
        with self._state.mutating():
            self._state.faults[method] = Fault(status, times, retry_after, code)

    def delay(self, method: str | None, seconds: float, channel: str | None = None) -> None:
        """Answer method (None: every method), optionally only in one channel, `seconds` late.

        The call takes effect at once; only its answer waits. 0 removes the delay.
        """
        with self._state.mutating():
            if seconds > 0:
                self._state.delays[(method, channel)] = seconds
            else:
                self._state.delays.pop((method, channel), None)

    def hold(
        self,
        method: str | None,
        channel: str | None = None,
        times: int | None = 1,
        seconds: float | None = None,
    ) -> Hold:
        """Take the next `times` calls (None: all) but hold their answers until released.

        The effect happens (a post is stored) and the client waits: for `seconds`, or until
        `release()`, or forever if it gives up first, as after a crash or a client timeout.
        A DM posted to a user ID matches both the user ID and the DM's channel ID.
        """
        hold = Hold(method, channel, times, seconds)
        with self._state.mutating():
            self._state.holds.append(hold)
        return hold

    def release_holds(self) -> None:
        """Let every held answer go (the clients that gave up are gone already)."""
        with self._state.mutating():
            for hold in self._state.holds:
                hold.release()
            self._state.holds.clear()

    def rate_limit_per_channel(self, per_second: float | None) -> None:
        """Simulate Slack's per-channel chat.postMessage limit (None disables it)."""
        with self._state.mutating():
            self._state.per_channel_rate = per_second
            self._state.last_post_at.clear()

    def add_user(
        self,
        user_id: str,
        name: str,
        real_name: str | None = None,
        email: str | None = None,
        tz: str = DEFAULT_TZ,
    ) -> None:
        """Register a user for users.info and users.lookupByEmail."""
        add_user(self._state, make_user(user_id, name, real_name, email, tz))

    # -- Socket Mode -------------------------------------------------------------------------

    @property
    def socket_links_opened(self) -> int:
        """How many Socket Mode connections apps have opened so far."""
        return self._state.sockets.opened

    def socket_send(
        self,
        kind: str,
        payload: dict[str, Any],
        *,
        accepts_response_payload: bool = False,
        timeout: float = 10.0,
        after: int = 0,
        retry_attempt: int = 0,
    ) -> str:
        """Send an envelope (slash_commands, interactive, events_api) over the newest open link.

        Waits up to timeout for a link (one opened after the first `after`); returns the
        envelope_id the app must acknowledge.
        """
        link = self._state.sockets.link(timeout, after)
        if link is None:
            raise TimeoutError("no Socket Mode app is connected")
        envelope_id = f"env-{uuid.uuid4()}"
        link.send(
            {
                "envelope_id": envelope_id,
                "type": kind,
                "payload": payload,
                "accepts_response_payload": accepts_response_payload,
                "retry_attempt": retry_attempt,
                "retry_reason": "timeout" if retry_attempt else "",
            }
        )
        return envelope_id

    def socket_ack(self, envelope_id: str, timeout: float = 5.0) -> dict[str, Any] | None:
        """The app's acknowledgement of an envelope ({"envelope_id", "payload"?}), or None."""
        return self._state.sockets.ack(envelope_id, timeout)

    def socket_drop(self) -> None:
        """Close every open Socket Mode link from Slack's side, as a network failure would."""
        self._state.sockets.close_all()

    def socket_refresh(self, timeout: float = 10.0) -> None:
        """Ask the connected app to reconnect, as Slack does every few hours."""
        link = self._state.sockets.link(timeout)
        if link is None:
            raise TimeoutError("no Socket Mode app is connected")
        link.send({"type": "disconnect", "reason": "refresh_requested"})

    def new_response_url(
        self, channel: str | None = None, message_ts: str | None = None, user_id: str | None = None
    ) -> str:
        """A fresh response_url on this server, optionally bound to a channel/message/user."""
        _ = self.port  # raises before start(), when there is no URL to hand out
        return response_urls.issue(self._state, channel, message_ts, user_id)

    def issue_trigger_id(self) -> str:
        """A fresh trigger_id that views.open will reject once older than 3 s or reused."""
        return self._state.issue_trigger()

    @property
    def trigger_ttl(self) -> float:
        """Seconds an issued trigger_id stays valid (Slack: 3)."""
        return self._state.trigger_ttl

    @trigger_ttl.setter
    def trigger_ttl(self, seconds: float) -> None:
        self._state.trigger_ttl = seconds
