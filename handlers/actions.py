"""Buttons and menus: Claim on an announcement, touch logging and the nudge DM's step controls."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from slack_bolt import Ack, App, Respond

from bot.cadence.controls import (
    DISQUALIFY_ACTION,
    DISQUALIFY_REASONS,
    SKIP_ACTION,
    SNOOZE_ACTION,
    TOUCH_ACTION,
    disqualify_of,
    skip_of,
    snooze_of,
    tap_of,
)
from bot.leads.claim_button import CLAIM_ACTION, parse_click
from bot.slack_input import Unreadable, blocks_of, explain, response_url_of, user_of
from bot.ui.blocks import Reply, section

if TYPE_CHECKING:
    from bot.deps import Deps

# What a step control's work returns: the text for the owner, and whether the step is done.
Outcome = tuple[str, bool]


def register(app: App, deps: Deps) -> None:
    """Register the button and menu listeners."""
    register_claim(app, deps)
    register_touch(app, deps)
    register_steps(app, deps)


def register_claim(app: App, deps: Deps) -> None:
    """The Claim button on an announcement or a digest."""

    @app.action(CLAIM_ACTION)
    def claim(ack: Ack, action: dict[str, Any], body: dict[str, Any]) -> None:
        click = parse_click(action, body)
        if click is None:
            ack()
            deps.claim_inbox.refuse(body)
            return
        # Journaled before the ack: what Slack was told we took survives a crash. A click
        # kept already (a replay) is acked and left to the first copy.
        item = deps.claim_inbox.receive(click)
        ack()
        # A claim race is many clicks at once: journal and ack them all first, claim in the
        # background, and let the answers travel side by side.
        if item is not None:
            deps.claim_inbox.process_soon(item)


def register_touch(app: App, deps: Deps) -> None:
    """One-tap touch logging in the owner's DM (the claim DM and the nudges)."""

    @app.action(re.compile(f"^{TOUCH_ACTION}:"))
    def log_touch(ack: Ack, action: dict[str, Any], body: dict[str, Any], respond: Respond) -> None:
        ack()
        url = response_url_of(body)
        try:
            request = tap_of(action.get("value"), user_of(body))
        except Unreadable as error:
            if url is not None:  # Slack always sends one; without it there is nowhere to answer
                text = explain(deps.catalogue, error)
                respond(response_type="ephemeral", replace_original=False, text=text)
            return
        result = deps.touches.log(request)
        answer = deps.touch_answers.logged(result, request)
        if url is None:
            return
        if result.outcome in ("logged", "duplicate"):
            original = blocks_of(body.get("message"))
            reply = deps.touch_answers.after_tap(original, answer)
            respond(replace_original=True, **reply.payload())
        else:
            respond(response_type="ephemeral", replace_original=False, **answer.payload())


def register_steps(app: App, deps: Deps) -> None:
    """The nudge DM's step controls: skip, snooze (a date and time), disqualify (a reason)."""
    answers = deps.touch_answers
    hours = deps.hours_text
    cat = deps.catalogue

    def run(body: dict[str, Any], respond: Respond, work: Callable[[str], Outcome]) -> None:
        # A payload that cannot be read is answered in words, and nothing is changed.
        try:
            text, done = work(user_of(body))
        except Unreadable as error:
            text, done = explain(cat, error, hours=hours), False
        if response_url_of(body) is None:
            return  # Slack always sends one; without it there is nowhere to answer
        reply = Reply(text=text, blocks=[section(text)])
        if done:
            reply = answers.after_tap(blocks_of(body.get("message")), reply)
            respond(replace_original=True, **reply.payload())
        else:
            respond(response_type="ephemeral", replace_original=False, **reply.payload())

    @app.action(SKIP_ACTION)
    def skip(ack: Ack, action: dict[str, Any], body: dict[str, Any], respond: Respond) -> None:
        ack()

        def work(user: str) -> Outcome:
            lead, step = skip_of(action)
            result = deps.cadence.skip(lead, step, user)
            text = answers.step(result, "skip", step, hours)
            return text, result.outcome in ("done", "duplicate")

        run(body, respond, work)

    @app.action(SNOOZE_ACTION)
    def snooze(ack: Ack, action: dict[str, Any], body: dict[str, Any], respond: Respond) -> None:
        ack()

        def work(user: str) -> Outcome:
            now = deps.clock()  # read once: the picker's bounds and the snooze agree on it
            lead, step, until = snooze_of(action, now)
            result = deps.cadence.snooze(lead, step, user, until, now)
            text = answers.step(result, "snooze", step, hours)
            return text, result.outcome in ("done", "duplicate")

        run(body, respond, work)

    @app.action(DISQUALIFY_ACTION)
    def disqualify(
        ack: Ack, action: dict[str, Any], body: dict[str, Any], respond: Respond
    ) -> None:
        ack()

        def work(user: str) -> Outcome:
            lead, step, reason = disqualify_of(action, DISQUALIFY_REASONS)
            request, result = deps.cadence.disqualify(lead, step, user, reason)
            reply = answers.logged(result, request)
            return reply.text, result.outcome in ("logged", "duplicate")

        run(body, respond, work)
