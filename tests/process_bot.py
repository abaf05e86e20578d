"""A real `sla-bot run` in a child process, for the crash tests: start it, kill -9 it, restart it.

The stand-in runs in the test process; the bot reaches it over HTTP as it would reach Slack.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from types import TracebackType
from typing import IO, Any

from bot.local.harness import API_TOKEN, SIGNING_SECRET, local_env, post_api
from bot.local.standin import SignedSlackClient, SlackStandIn

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class BotProcess:
    """`python -m bot.cli run` against the stand-in, on a database that outlives the process."""

    def __init__(
        self,
        standin: SlackStandIn,
        database_url: str,
        agreement_path: str | Path,
        log_path: Path,
        *,
        tick_seconds: float = 0.5,
        extra_env: dict[str, str] | None = None,
    ) -> None:
        self.standin = standin
        self.database_url = database_url
        self.agreement_path = str(agreement_path)
        self.log_path = log_path
        self.tick_seconds = tick_seconds
        self.extra_env = extra_env or {}
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None
        self.starts = 0

    @property
    def url(self) -> str:
        """The bot's base URL."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def slack(self) -> SignedSlackClient:
        """A client that sends the bot what Slack would, signed."""
        return SignedSlackClient(f"{self.url}/slack/events", SIGNING_SECRET, self.standin)

    def start(self, timeout: float = 30.0) -> BotProcess:
        """Start the process and wait until /healthz answers."""
        env = {
            **os.environ,
            **local_env(self.standin, self.database_url, self.agreement_path),
            "PORT": str(self.port),
            "SLA_TICK_SECONDS": str(self.tick_seconds),
            "LOG_LEVEL": "INFO",
            "PYTHONUNBUFFERED": "1",
            **self.extra_env,
        }
        env.pop("SLACK_APP_TOKEN", None)
        self._log = self.log_path.open("ab")
        self._log.write(f"--- start {self.starts + 1}\n".encode())
        self._log.flush()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bot.cli", "run"],
            cwd=ROOT,
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        self.starts += 1
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"sla-bot run exited early; see {self.log_path}")
            if self._healthy():
                return self
            time.sleep(0.05)
        raise TimeoutError(f"sla-bot run did not answer /healthz; see {self.log_path}")

    def _healthy(self) -> bool:
        try:
            with urllib.request.urlopen(self.url + "/healthz", timeout=1) as response:
                return bool(response.status)
        except urllib.error.HTTPError:
            return True  # it answers: unhealthy is still up
        except OSError:
            return False

    def api(self, path: str, body: Any, token: str | None = API_TOKEN) -> tuple[int, Any]:
        """POST JSON to the running bot's HTTP API."""
        return post_api(self.url, path, body, token=token)

    def kill9(self) -> None:
        """SIGKILL the process: no shutdown code runs, as in a crash or an OOM kill."""
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)
        self._close_log()

    def stop(self) -> None:
        """Stop the process gracefully (SIGTERM), killing it if it does not go."""
        if self.process is None or self.process.poll() is not None:
            self._close_log()
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
        self._close_log()

    def _close_log(self) -> None:
        if self._log is not None:
            self._log.close()
            self._log = None

    def log_text(self) -> str:
        """Everything the process printed, over all its starts."""
        return self.log_path.read_text(errors="replace")

    def __enter__(self) -> BotProcess:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
