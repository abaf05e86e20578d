"""Answers through Slack's response_url, sent side by side over kept-alive connections."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

import urllib3

log = logging.getLogger("sla_bot.replies")

# Sending is waiting on Slack (~100 ms a post), not CPU: a claim race's 20 answers go out
# together instead of one after another behind two threads (bench/claim_ack --reply-rtt).
WORKERS = 16
TIMEOUT = urllib3.Timeout(connect=5.0, read=10.0)
# Connection errors happen before Slack saw the post; 5xx means it did not take it. One read
# retry covers a kept-alive connection Slack closed while idle; at worst an ephemeral shows twice.
RETRIES = urllib3.Retry(
    total=3,
    connect=2,
    read=1,
    status=2,
    other=0,
    redirect=0,
    allowed_methods=None,
    status_forcelist=(500, 502, 503, 504),
    backoff_factor=0.2,
    raise_on_status=False,
)
UNREACHABLE = 0
SKIPPED = -1  # the sender's `before` said no: nothing was posted


class ReplySender:
    """Posts messages to response_urls from a pool of threads sharing a connection pool."""

    def __init__(
        self, workers: int = WORKERS, retries: urllib3.Retry = RETRIES, proxy: str | None = None
    ) -> None:
        # Behind a proxy the answers take the way the Web API calls take (slack_sdk reads it
        # from HTTPS_PROXY and friends; urllib3 alone would ignore them).
        self._http: urllib3.PoolManager = (
            urllib3.ProxyManager(proxy, maxsize=workers, retries=retries, timeout=TIMEOUT)
            if proxy
            else urllib3.PoolManager(maxsize=workers, retries=retries, timeout=TIMEOUT)
        )
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="reply")

    def send(
        self,
        response_url: str,
        message: dict[str, Any],
        before: Callable[[], bool] | None = None,
    ) -> Future[int]:
        """Post message to response_url soon; the future holds the HTTP status (0: unreachable).

        `before` runs in the sending thread just before the post; False skips it (SKIPPED).
        """
        return self._pool.submit(self._post, response_url, message, before)

    def _post(
        self,
        response_url: str,
        message: dict[str, Any],
        before: Callable[[], bool] | None = None,
    ) -> int:
        # Asked at the last moment, not when queued: a journal can then record "sent" with as
        # little as possible between its record and the bytes leaving.
        if before is not None and not before():
            return SKIPPED
        try:
            answer = self._http.request(
                "POST",
                response_url,
                body=json.dumps(message).encode(),
                headers={"Content-Type": "application/json; charset=utf-8"},
            )
        except urllib3.exceptions.HTTPError as error:
            log.warning("could not reach Slack's response_url: %s", error)
            return UNREACHABLE
        if answer.status != 200:
            log.warning("response_url refused: HTTP %s %r", answer.status, answer.data[:200])
        return answer.status

    def shutdown(self) -> None:
        """Send what was submitted, then close the connections."""
        self._pool.shutdown(wait=True)
        self._http.clear()
