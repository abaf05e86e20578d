"""Socket Mode in the stand-in: Slack's end of the WebSocket an app opens with its xapp token."""

from __future__ import annotations

import base64
import hashlib
import json
import socket
import threading
from collections.abc import Callable
from typing import Any, BinaryIO

# RFC 6455: the key the server proves it read, and the frame opcodes Socket Mode uses.
HANDSHAKE_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
TEXT, CLOSE, PING, PONG = 0x1, 0x8, 0x9, 0xA
LINK_PATH = "/link/"


def accept_key(client_key: str) -> str:
    """The Sec-WebSocket-Accept answer to a client's Sec-WebSocket-Key."""
    digest = hashlib.sha1((client_key + HANDSHAKE_GUID).encode()).digest()
    return base64.b64encode(digest).decode()


def encode_frame(opcode: int, payload: bytes) -> bytes:
    """One final, unmasked frame, as a server sends it."""
    size = len(payload)
    if size < 126:
        head = bytes([0x80 | opcode, size])
    elif size < 1 << 16:
        head = bytes([0x80 | opcode, 126]) + size.to_bytes(2, "big")
    else:
        head = bytes([0x80 | opcode, 127]) + size.to_bytes(8, "big")
    return head + payload


def read_frame(stream: BinaryIO) -> tuple[int, bytes] | None:
    """Read one frame from a client (clients mask theirs); None when the connection ended."""
    head = stream.read(2)
    if len(head) < 2:
        return None
    opcode, size = head[0] & 0x0F, head[1] & 0x7F
    if size == 126:
        size = int.from_bytes(stream.read(2), "big")
    elif size == 127:
        size = int.from_bytes(stream.read(8), "big")
    mask = stream.read(4) if head[1] & 0x80 else b""
    data = stream.read(size)
    if len(data) < size:
        return None
    if mask:
        data = bytes(b ^ mask[i % 4] for i, b in enumerate(data))
    return opcode, data


class SocketLink:
    """One app's open Socket Mode connection, held from Slack's side."""

    def __init__(self, sock: socket.socket, stream: BinaryIO) -> None:
        self._sock = sock
        self._stream = stream
        self._send_lock = threading.Lock()
        self.open = True

    def send(self, message: dict[str, Any]) -> None:
        """Send one JSON message to the app."""
        self._write(TEXT, json.dumps(message).encode())

    def serve(self, on_message: Callable[[dict[str, Any]], None]) -> None:
        """Answer pings and hand each JSON message from the app to on_message, until closed."""
        try:
            while (found := read_frame(self._stream)) is not None:
                opcode, data = found
                if opcode == PING:
                    self._write(PONG, data)
                elif opcode == TEXT:
                    on_message(json.loads(data))
                elif opcode == CLOSE:
                    self._write(CLOSE, data[:2])
                    break
        except (OSError, ValueError):
            pass  # the app went away mid-frame: the link is simply over
        finally:
            self.open = False

    def close(self) -> None:
        """Close the connection from Slack's side."""
        self.open = False
        try:
            self._write(CLOSE, (1001).to_bytes(2, "big"))
            self._sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass  # already gone

    def _write(self, opcode: int, payload: bytes) -> None:
        with self._send_lock:
            self._sock.sendall(encode_frame(opcode, payload))


class SocketHub:
    """Slack's side of Socket Mode: tickets handed out, links opened, envelopes acknowledged."""

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._tickets: set[str] = set()
        self._links: list[SocketLink] = []
        self._acks: dict[str, dict[str, Any]] = {}
        self._counter = 0

    def issue_ticket(self) -> str:
        """A one-use ticket for the WebSocket URL apps.connections.open hands out."""
        with self._changed:
            self._counter += 1
            ticket = f"standin-{self._counter:06d}"
            self._tickets.add(ticket)
            return ticket

    def admit(self, ticket: str) -> bool:
        """Use up a ticket; False when it was never issued or already used."""
        with self._changed:
            if ticket not in self._tickets:
                return False
            self._tickets.discard(ticket)
            return True

    def attach(self, link: SocketLink) -> None:
        """Count a newly opened link; envelopes go to the newest open one."""
        with self._changed:
            self._links.append(link)
            self._changed.notify_all()

    def received(self, message: dict[str, Any]) -> None:
        """Keep an app's acknowledgement (envelope_id, optional payload) for whoever waits."""
        envelope_id = message.get("envelope_id")
        if isinstance(envelope_id, str):
            with self._changed:
                self._acks[envelope_id] = message
                self._changed.notify_all()

    def detached(self) -> None:
        """Wake waiters when a link ends."""
        with self._changed:
            self._changed.notify_all()

    @property
    def opened(self) -> int:
        """How many links apps have opened so far."""
        with self._changed:
            return len(self._links)

    def link(self, timeout: float, after: int = 0) -> SocketLink | None:
        """The newest open link among those opened after the first `after`, waiting for one."""
        with self._changed:
            self._changed.wait_for(
                lambda: any(link.open for link in self._links[after:]), timeout=timeout
            )
            return next((lk for lk in reversed(self._links[after:]) if lk.open), None)

    def ack(self, envelope_id: str, timeout: float) -> dict[str, Any] | None:
        """The app's acknowledgement of an envelope, waiting up to timeout."""
        with self._changed:
            self._changed.wait_for(lambda: envelope_id in self._acks, timeout=timeout)
            return self._acks.get(envelope_id)

    def close_all(self) -> None:
        """Close every link (the stand-in is stopping)."""
        with self._changed:
            links = list(self._links)
        for link in links:
            if link.open:
                link.close()
