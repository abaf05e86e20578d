"""The real bot wired to the local Slack stand-in: what the demo, tests and benchmarks drive."""

from __future__ import annotations

import gc
import json
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType
from typing import Any

from slack_bolt.adapter.socket_mode import SocketModeHandler

from bot.app import SlaBot, create_app
from bot.bootstrap import boot
from bot.crm.lanes import Connector
from bot.local.standin import SignedSlackClient, SlackStandIn
from bot.local.standin.socket_client import SocketSlackClient
from bot.outbox.worker import PACE_SECONDS
from bot.runtime.clock import Clock, utc_now
from bot.runtime.heap import freeze_startup_heap
from bot.runtime.server import HttpServer, local_server
from bot.runtime.socket_link import close_socket_mode
from bot.settings import Settings, load_settings
from storage.outbox import count_pending

SIGNING_SECRET = "local-signing-secret"
BOT_TOKEN = "xoxb-local-stand-in"
API_TOKEN = "local-api-token"
APP_TOKEN = "xapp-1-A0SLABOT-1-local-stand-in"


def post_api(
    base_url: str,
    path: str,
    body: Any,
    token: str | None = API_TOKEN,
    raw: bytes | None = None,
) -> tuple[int, dict[str, Any]]:
    """POST JSON to a bot's HTTP API; return the status and the decoded answer."""
    headers = {"Content-Type": "application/json"}
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    data = raw if raw is not None else json.dumps(body).encode()
    request = urllib.request.Request(base_url + path, data=data, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def local_env(standin: SlackStandIn, database_url: str, agreement_path: str) -> dict[str, str]:
    """The environment a bot runs with when every Slack call goes to the stand-in."""
    return {
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": standin.api_url,
        "DATABASE_URL": database_url,
        "SLA_CONFIG": agreement_path,
        "SLA_API_TOKEN": API_TOKEN,
    }


class LocalBot:
    """Starts the stand-in, migrates a database, and serves the real bot on a free port."""

    def __init__(
        self,
        agreement_path: str | Path,
        *,
        database_url: str | None = None,
        standin: SlackStandIn | None = None,
        clock: Clock = utc_now,
        extra_env: dict[str, str] | None = None,
        pace_seconds: float = PACE_SECONDS,
        background: bool = True,
        ticker: bool = True,
        freeze_heap: bool = False,
        socket_mode: bool = False,
        connectors: Sequence[Connector] = (),
    ) -> None:
        self._tmp: tempfile.TemporaryDirectory[str] | None = None
        if database_url is None:
            self._tmp = tempfile.TemporaryDirectory(prefix="sla-bot-")
            database_url = f"sqlite:///{Path(self._tmp.name) / 'sla.db'}"
        self._own_standin = standin is None
        self.standin = standin or SlackStandIn()
        self.agreement_path = str(agreement_path)
        self.database_url = database_url
        self.clock = clock
        self.extra_env = extra_env or {}
        self.pace_seconds = pace_seconds
        self.connectors = list(connectors)
        self.background = background
        # Tests that drive time themselves turn the scheduler off: a standup falling due on
        # the wall clock would otherwise post in the middle of them.
        self.ticker = ticker
        # Benchmarks start the bot as `sla-bot run` does; tests start hundreds of bots in one
        # process, and frozen objects are never collected.
        self.freeze_heap = freeze_heap
        # Slack's requests arrive over the stand-in's WebSocket instead of signed HTTP posts.
        self.socket_mode = socket_mode
        self._socket: SocketModeHandler | None = None
        self.bot: SlaBot | None = None
        self.server: HttpServer | None = None
        self.slack: SignedSlackClient | None = None

    def settings(self) -> Settings:
        """The settings the bot runs with: every Slack call goes to the stand-in."""
        return load_settings(
            {
                **local_env(self.standin, self.database_url, self.agreement_path),
                **({"SLACK_APP_TOKEN": APP_TOKEN} if self.socket_mode else {}),
                **self.extra_env,
            }
        )

    def start(self) -> LocalBot:
        """Start the stand-in (when ours), the bot and its HTTP server."""
        if self._own_standin:
            self.standin.start()
        settings = self.settings()
        # As `sla-bot run` starts: the Slack settings checked, then the one boot path.
        settings.require_slack()
        booted = boot(settings, clock=self.clock)
        self.bot = create_app(
            settings,
            booted.agreement,
            database=booted.database,
            clock=self.clock,
            pace_seconds=self.pace_seconds,
            connectors=self.connectors,
        )
        if self.background:
            self.bot.start_background(ticker=self.ticker)
        self.server = local_server(self.bot.web).start()
        if self.socket_mode:
            self._socket = SocketModeHandler(self.bot.bolt, app_token=APP_TOKEN)
            self._socket.connect()
            self.bot.deps.socket_connected = self._socket.client.is_connected
            self.slack = SocketSlackClient(self.standin)
        else:
            self.slack = SignedSlackClient(
                f"{self.server.url}/slack/events", SIGNING_SECRET, self.standin
            )
        if self.freeze_heap:
            freeze_startup_heap()
        return self

    @property
    def url(self) -> str:
        """The bot's base URL."""
        assert self.server is not None
        return self.server.url

    def api(
        self, path: str, body: Any, token: str | None = API_TOKEN, raw: bytes | None = None
    ) -> tuple[int, dict[str, Any]]:
        """POST JSON to the bot's HTTP API; return the status and the decoded answer."""
        return post_api(self.url, path, body, token=token, raw=raw)

    def wait_delivered(self, timeout: float = 30.0) -> bool:
        """Wait until the outbox owes Slack nothing (every row sent, failed or skipped)."""
        assert self.bot is not None
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.bot.deps.database.reading() as session:
                if count_pending(session) == 0:
                    return True
            self.bot.outbox.wake()
            time.sleep(0.02)
        return False

    def stop(self) -> None:
        """Stop everything this harness started."""
        if self._socket is not None:
            close_socket_mode(self._socket)
        if self.server is not None:
            self.server.stop()
        if self.bot is not None:
            self.bot.close()
        if self._own_standin:
            self.standin.stop()
        if self._tmp is not None:
            self._tmp.cleanup()
        if self.freeze_heap:
            gc.unfreeze()

    def __enter__(self) -> LocalBot:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
