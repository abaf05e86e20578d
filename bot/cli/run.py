"""`sla-bot run`: the long-running bot (HTTP mode, or Socket Mode plus HTTP for /api and health)."""

from __future__ import annotations

import logging
import signal
from types import FrameType

from bot.app import SlaBot, create_app
from bot.bootstrap import boot
from bot.runtime.heap import freeze_startup_heap
from bot.runtime.logs import configure_from_settings
from bot.runtime.server import HttpServer
from bot.runtime.socket_link import close_socket_mode
from bot.settings import Settings
from sla_rules.agreement import Agreement

log = logging.getLogger("sla_bot")


def _stop(signum: int, frame: FrameType | None) -> None:
    # waitress leaves its loop on SystemExit; a platform stops us with SIGTERM.
    raise SystemExit(0)


def run(settings: Settings, agreement: Agreement | None = None) -> None:
    """Start the bot (on the agreement given, or SLA_CONFIG's) and serve until stopped."""
    # Before anything connects: LOG_FORMAT applies, and the secrets are known to the redaction.
    configure_from_settings(settings)
    settings.require_slack()
    booted = boot(settings, agreement=agreement)
    bot: SlaBot = create_app(settings, booted.agreement, database=booted.database)
    server = HttpServer(bot.web, port=settings.port)
    bot.start_background()
    socket_handler = None
    if settings.socket_mode:
        from slack_bolt.adapter.socket_mode import SocketModeHandler

        socket_handler = SocketModeHandler(bot.bolt, app_token=settings.slack_app_token)
        socket_handler.connect()
        bot.deps.socket_connected = socket_handler.client.is_connected
        log.info("connected to Slack in Socket Mode; /api and /healthz on port %s", server.port)
    else:
        log.info("serving Slack (HTTP mode), /api and /healthz on port %s", server.port)
    signal.signal(signal.SIGTERM, _stop)
    freeze_startup_heap()
    try:
        server.serve_forever()
    finally:
        if socket_handler is not None:
            close_socket_mode(socket_handler)
        bot.close()
