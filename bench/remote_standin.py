"""The Slack stand-in in a child process: Slack's work is not the bot's CPU or GIL time.

In production Slack answers from its own servers; in the bot's process the stand-in would
parse every chat.update and response_url post under the bot's GIL and bill it to the bot.
"""

from __future__ import annotations

from multiprocessing.managers import BaseManager
from types import TracebackType
from typing import Any, Self

from bot.local.standin import RecordedCall, SlackStandIn

# What the benchmarks call; the manager's proxy forwards only these.
EXPOSED = (
    "serve",
    "stop",
    "calls",
    "count_calls",
    "clear",
    "message",
    "messages",
    "new_response_url",
    "issue_trigger_id",
    "limited",
    "rate_limit_per_channel",
    "delay",
)


class _Served(SlackStandIn):
    """The stand-in as served in the child: its URLs through a method (proxies lack properties)."""

    def serve(self) -> tuple[str, str]:
        """Start serving; return the base URL and the Web API URL (start() returns self)."""
        self.start()
        return self.base_url, self.api_url

    def count_calls(self, method: str | None = None) -> int:
        """How many calls were recorded, optionally to one method (without copying them)."""
        return len(self.calls(method))

    def limited(self) -> int:
        """How many posts were answered 429."""
        return self.rate_limited_count


class _Manager(BaseManager):
    """Hosts one stand-in in a separate process."""


_Manager.register("StandIn", _Served, exposed=EXPOSED)


class RemoteStandIn:
    """A started stand-in in a child process, with the part of SlackStandIn's API benches use."""

    def __init__(self) -> None:
        self._manager = _Manager()
        self._proxy: Any = None
        self.base_url = ""
        self.api_url = ""

    def start(self) -> Self:
        """Start the child process and the stand-in inside it."""
        self._manager.start()
        self._proxy = self._manager.StandIn()  # type: ignore[attr-defined]
        self.base_url, self.api_url = self._proxy.serve()
        return self

    def stop(self) -> None:
        """Stop the stand-in and its process."""
        if self._proxy is not None:
            self._proxy.stop()
            self._proxy = None
            self._manager.shutdown()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def calls(self, method: str | None = None) -> list[RecordedCall]:
        """The recorded calls, optionally to one method."""
        return self._proxy.calls(method)

    def count_calls(self, method: str | None = None) -> int:
        """How many calls were recorded, optionally to one method."""
        return self._proxy.count_calls(method)

    def clear(self) -> None:
        """Forget recorded calls."""
        self._proxy.clear()

    def message(self, channel: str, ts: str) -> dict[str, Any] | None:
        """One message as it stands."""
        return self._proxy.message(channel, ts)

    def messages(self, channel: str | None = None) -> list[dict[str, Any]]:
        """Every message as it stands, oldest first."""
        return self._proxy.messages(channel)

    def new_response_url(self, channel: str, message_ts: str | None, user_id: str) -> str:
        """A fresh response_url for an interaction."""
        return self._proxy.new_response_url(channel, message_ts, user_id)

    def issue_trigger_id(self) -> str:
        """A fresh trigger_id."""
        return self._proxy.issue_trigger_id()

    @property
    def rate_limited_count(self) -> int:
        """How many posts were answered 429."""
        return self._proxy.limited()

    def delay(self, method: str | None, seconds: float) -> None:
        """Answer this method (every method when None) only after this many seconds."""
        self._proxy.delay(method, seconds)

    def rate_limit_per_channel(self, per_second: float | None) -> None:
        """Answer 429 beyond this many posts per second per channel."""
        self._proxy.rate_limit_per_channel(per_second)
