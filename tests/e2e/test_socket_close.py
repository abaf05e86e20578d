"""Closing the Socket Mode link ends, even when slack_sdk's runner re-opens its own flag."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from slack_bolt.adapter.socket_mode import SocketModeHandler

from bot.local.harness import LocalBot
from bot.local.standin import SlackStandIn
from bot.runtime.socket_link import close_socket_mode
from tests.paths import EXAMPLES

AGREEMENT = EXAMPLES / "agreement.en.yaml"


def _linked(bot: LocalBot) -> SocketModeHandler:
    handler = bot._socket
    assert handler is not None and handler.client.is_connected()
    return handler


def _into_the_race(handler: SocketModeHandler, kept: list) -> None:
    """Make close() meet the race: a new runner round re-clears the flag before the socket shuts.

    In slack_sdk a round starts when the last one ended and the socket still looks open; it
    sets `terminated = False`. Under load close()'s disconnect waits on the socket locks long
    enough for that round to start, so the flag close() set first is lost.
    """
    client = handler.client
    session = client.current_session
    assert session is not None

    def raced_disconnect() -> None:
        # Slow, as under load: the old round sees close()'s flag and ends, and a new round
        # starts while the socket still looks open, clearing the flag. Only then does the
        # socket go: the new round sleeps in run_until_completion for ever (as py-spy showed
        # in a hung run). The real runner code does all of it; only the timing is forced.
        deadline = time.monotonic() + 3
        while client.current_session_state.terminated and time.monotonic() < deadline:
            time.sleep(0.01)
        kept.append(session.sock)
        session.sock = None

    client.disconnect = raced_disconnect  # type: ignore[method-assign]


def _ends_within(close: Callable[[], None], seconds: float) -> bool:
    worker = threading.Thread(target=close, daemon=True)
    worker.start()
    worker.join(seconds)
    return not worker.is_alive()


def test_slack_sdks_own_close_hangs_in_the_race(standin: SlackStandIn) -> None:
    # The reason close_socket_mode exists: without it this close never returns.
    with LocalBot(AGREEMENT, standin=standin, ticker=False, socket_mode=True) as bot:
        handler, kept = _linked(bot), []
        _into_the_race(handler, kept)
        assert not _ends_within(handler.close, 2.0)
        handler.client.current_session_state.terminated = True  # let the stuck thread go
        for sock in kept:
            sock.close()


def test_close_socket_mode_ends_in_the_race(standin: SlackStandIn) -> None:
    with LocalBot(AGREEMENT, standin=standin, ticker=False, socket_mode=True) as bot:
        handler, kept = _linked(bot), []
        _into_the_race(handler, kept)
        assert _ends_within(lambda: close_socket_mode(handler), 5.0)
        assert not handler.client.current_session_runner.is_alive()
        for sock in kept:
            sock.close()


def test_close_socket_mode_ends_a_healthy_link(standin: SlackStandIn) -> None:
    with LocalBot(AGREEMENT, standin=standin, ticker=False, socket_mode=True) as bot:
        handler = _linked(bot)
        assert _ends_within(lambda: close_socket_mode(handler), 10.0)
        assert not handler.client.is_connected()
