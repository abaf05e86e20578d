"""The production WSGI server (waitress) for the bot's HTTP side."""

from __future__ import annotations

import threading
from typing import Any

from waitress import wasyncore
from waitress.server import create_server

# Threads answer Slack within its 3-second window even while others wait on the database.
SERVER_THREADS = 16


class HttpServer:
    """A waitress server bound to a host and port (0 picks a free one)."""

    def __init__(self, app: Any, host: str = "0.0.0.0", port: int = 3000, **adjustments: Any):
        options: dict[str, Any] = {"threads": SERVER_THREADS, "ident": "sla-bot"}
        options.update(adjustments)
        self._server: Any = create_server(app, map={}, host=host, port=port, **options)
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()

    @property
    def port(self) -> int:
        """The port actually bound."""
        return int(self._server.effective_port)

    @property
    def url(self) -> str:
        """The base URL to reach the server locally."""
        return f"http://127.0.0.1:{self.port}"

    def serve_forever(self) -> None:
        """Serve in the calling thread until interrupted."""
        self._server.run()

    def start(self) -> HttpServer:
        """Serve from a background thread (tests, the demo)."""
        self._thread = threading.Thread(target=self._serve_until_stopped, name="http", daemon=True)
        self._thread.start()
        return self

    def _serve_until_stopped(self) -> None:
        server = self._server
        while not self._stopping.is_set():
            wasyncore.loop(timeout=0.05, map=server._map, use_poll=True, count=1)
        # Sockets are closed by the loop's own thread: closing them from another thread
        # while it sits in poll() makes it fail on a dead file descriptor.
        for channel in list(server._map.values()):
            channel.close()
        server.task_dispatcher.shutdown(timeout=5)

    def stop(self) -> None:
        """Stop serving and wait for the background thread."""
        if self._thread is None:
            self._server.close()
            return
        self._stopping.set()
        self._thread.join(timeout=5)


def local_server(app: Any) -> HttpServer:
    """A server on 127.0.0.1 on a free port."""
    return HttpServer(app, host="127.0.0.1", port=0)
