"""/sla touch L-42 KIND OUTCOME [reason]: read the words, check them, log the touch."""

from __future__ import annotations

from bot.cadence.answers import TouchAnswers
from bot.cadence.requests import TouchRequest
from bot.cadence.touches import Touches
from bot.leads.story import LeadStories
from bot.ui.blocks import Reply, escape, text_reply
from bot.ui.catalogue import Catalogue
from sla_rules.agreement import OUTCOMES, TOUCH_KINDS
from sla_rules.touches import FITTING, NEEDS_REASON, fits, kind_of, outcome_of


class TouchCommand:
    """Turns the words after /sla touch into a logged touch, or says what is wrong."""

    def __init__(
        self, touches: Touches, answers: TouchAnswers, stories: LeadStories, cat: Catalogue
    ) -> None:
        self.touches = touches
        self.answers = answers
        self.stories = stories
        self.cat = cat

    def _choices(self, codes: tuple[str, ...] | list[str]) -> str:
        return ", ".join(f"`{self.cat.t(f'touch.word_{code}')}`" for code in codes)

    def run(self, args: str, user_id: str) -> Reply:
        """Log the touch the words describe, answering in plain words either way."""
        cat = self.cat
        words = args.split()
        if len(words) < 3:
            return text_reply(cat.t("touch.usage"))
        reference, kind_word, *rest = words
        lead = self.stories.find(reference)
        if lead is None:
            return text_reply(cat.t("touch.unknown_lead", ref=escape(reference[:100])))
        kind = kind_of(kind_word)
        if kind is None:
            return text_reply(
                cat.t(
                    "touch.unknown_kind",
                    word=escape(kind_word[:40]),
                    choices=self._choices(TOUCH_KINDS),
                )
            )
        outcome, reason_words = self._outcome(rest)
        if outcome is None:
            return text_reply(
                cat.t(
                    "touch.unknown_outcome",
                    word=escape(rest[0][:40]),
                    choices=self._choices(OUTCOMES),
                )
            )
        if not fits(kind, outcome):
            return text_reply(
                cat.t(
                    "touch.unfit",
                    kind=cat.t(f"touch.kind_{kind}"),
                    outcome=cat.t(f"outcome.{outcome}"),
                    choices=self._choices(FITTING[kind]),
                )
            )
        reason = " ".join(reason_words)[:300] or None
        if outcome in NEEDS_REASON and reason is None:
            return text_reply(cat.t("touch.needs_reason", id=lead.short_id))
        request = TouchRequest(lead.id, kind, outcome, user_id, reason=reason)
        result = self.touches.log(request)
        return self.answers.logged(result, request)

    @staticmethod
    def _outcome(words: list[str]) -> tuple[str | None, list[str]]:
        # Outcomes may be typed as one word (no_answer) or two (no answer).
        if len(words) >= 2:
            joined = outcome_of(f"{words[0]} {words[1]}")
            if joined is not None:
                return joined, words[2:]
        return outcome_of(words[0]), words[1:]
