"""Closing a Socket Mode link without the hang slack_sdk's own close() can fall into."""

from __future__ import annotations

from typing import Any

# slack_sdk's session runner calls _run_current_session every 0.1 s, and that call sets the
# session's `terminated` flag back to False before it reads. When close() sets the flag just
# before such a call and only then closes the socket, the runner loops forever on a dead
# socket and close() waits for it forever (a stop, a deploy or a test that never ends).
_JOIN_STEP_SECONDS = 0.05


def close_socket_mode(handler: Any) -> None:
    """Close a Bolt SocketModeHandler: stop its session runner first, then the rest."""
    client = handler.client
    runner = client.current_session_runner
    thread = getattr(runner, "thread", None)
    if thread is not None and thread.is_alive():
        client.auto_reconnect_enabled = False
        runner.event.set()  # no new round of _run_current_session after this one
        while thread.is_alive():
            # Set again each time: a round that began before the event re-clears it.
            client.current_session_state.terminated = True
            thread.join(_JOIN_STEP_SECONDS)
    handler.close()
