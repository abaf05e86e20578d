"""Answers through response_url: sent side by side, kept alive, retried only when safe."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator

import pytest
from urllib3.connection import HTTPConnection

from bot.local.standin import RESPONSE_URL_METHOD, SlackStandIn
from bot.runtime.replies import UNREACHABLE, ReplySender

MESSAGE = {"response_type": "ephemeral", "replace_original": False, "text": "L-7 is taken"}


@pytest.fixture
def standin() -> Iterator[SlackStandIn]:
    with SlackStandIn() as running:
        yield running


@pytest.fixture
def sender() -> Iterator[ReplySender]:
    replies = ReplySender(workers=8)
    yield replies
    replies.shutdown()


def test_an_answer_reaches_its_response_url(standin: SlackStandIn, sender: ReplySender) -> None:
    url = standin.new_response_url("C0HANDOFF", "1.0001", "U0REP1")
    assert sender.send(url, MESSAGE).result(timeout=10) == 200
    assert [r["text"] for r in standin.responses(url)] == ["L-7 is taken"]
    assert standin.responses(url)[0]["response_type"] == "ephemeral"


def test_answers_share_one_kept_alive_connection(
    standin: SlackStandIn, sender: ReplySender, monkeypatch: pytest.MonkeyPatch
) -> None:
    connects = []
    real_connect = HTTPConnection.connect

    def counted(self: HTTPConnection) -> None:
        connects.append(self.port)
        real_connect(self)

    monkeypatch.setattr(HTTPConnection, "connect", counted)
    urls = [standin.new_response_url("C0HANDOFF", "1.0001", "U0REP1") for _ in range(30)]
    for url in urls:
        assert sender.send(url, MESSAGE).result(timeout=10) == 200
    assert connects == [standin.port]
    assert all(len(standin.responses(url)) == 1 for url in urls)


def test_answers_travel_side_by_side(standin: SlackStandIn, sender: ReplySender) -> None:
    # Slack takes a while to answer each post; the eight posts must all be on their way
    # before the first answer comes back, not queued one behind another.
    standin.delay(RESPONSE_URL_METHOD, 0.5)
    urls = [standin.new_response_url("C0HANDOFF", "1.0001", f"U0REP{n}") for n in range(8)]
    futures = [sender.send(url, MESSAGE) for url in urls]
    futures[0].result(timeout=10)
    first_answered = time.monotonic()
    assert [f.result(timeout=10) for f in futures] == [200] * 8
    arrivals = [c.at for c in standin.calls(RESPONSE_URL_METHOD)]
    assert len(arrivals) == 8
    assert max(arrivals) < first_answered


def test_behind_a_proxy_answers_go_through_it(standin: SlackStandIn) -> None:
    # The stand-in plays the proxy too: the target host does not even resolve, so the answer
    # can only have landed by way of the proxy.
    url = standin.new_response_url("C0HANDOFF", "1.0001", "U0REP1")
    token = url.rsplit("/", 1)[1]
    far_away = f"http://hooks.slack.invalid/response/{token}"
    proxied = ReplySender(workers=2, proxy=standin.base_url)
    try:
        assert proxied.send(far_away, MESSAGE).result(timeout=10) == 200
    finally:
        proxied.shutdown()
    assert [r["text"] for r in standin.responses(url)] == ["L-7 is taken"]


def test_a_5xx_is_retried_and_the_answer_lands_once(
    standin: SlackStandIn, sender: ReplySender
) -> None:
    url = standin.new_response_url("C0HANDOFF", "1.0001", "U0REP1")
    standin.fail(RESPONSE_URL_METHOD, status=500, times=2)
    assert sender.send(url, MESSAGE).result(timeout=10) == 200
    assert [c.status for c in standin.calls(RESPONSE_URL_METHOD)] == [500, 500, 200]
    assert len(standin.responses(url)) == 1


def test_a_refusal_is_reported_not_retried(standin: SlackStandIn, sender: ReplySender) -> None:
    url = standin.new_response_url("C0HANDOFF", "1.0001", "U0REP1")
    standin.fail(RESPONSE_URL_METHOD, status=404, error="expired_url")
    assert sender.send(url, MESSAGE).result(timeout=10) == 404
    assert len(standin.calls(RESPONSE_URL_METHOD)) == 1


def test_an_unreachable_slack_is_logged_not_raised(
    sender: ReplySender, caplog: pytest.LogCaptureFixture
) -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}/response/gone"
    assert sender.send(url, MESSAGE).result(timeout=30) == UNREACHABLE
    assert "could not reach" in caplog.text
