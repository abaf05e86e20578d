"""Answers straight from the agreement: help, glossary, owners and the summary."""

from __future__ import annotations

from bot.knowledge.summary import summary_lines, title
from bot.ui.blocks import Reply, escape, text_reply
from bot.ui.catalogue import Catalogue
from sla_rules.agreement import Agreement
from sla_rules.glossary import closest_terms, find_term
from sla_rules.owners import filter_responsibilities, group_by_team

HELP_TOPICS = (
    "glossary",
    "owners",
    "agreement",
    "goals",
    "report",
    "calc",
    "record",
    "lead",
    "mine",
    "touch",
    "away",
    "handoff",
    "help",
)


class KnowledgeAnswers:
    """Builds the replies to the /sla questions that only read the agreement."""

    def __init__(self, agreement: Agreement, catalogue: Catalogue) -> None:
        self.agreement = agreement
        self.cat = catalogue

    def help(self, unknown: str | None = None) -> Reply:
        """What the bot can do; led by a note when the user typed an unknown subcommand."""
        cat = self.cat
        intro = cat.t("help.intro", company=self.agreement.company)
        if unknown:
            intro = cat.t("help.unknown", word=escape(unknown[:40])) + "\n" + intro
        return text_reply(
            intro, [cat.t(f"help.{topic}") for topic in HELP_TOPICS], footer=cat.t("help.footer")
        )

    def glossary(self, query: str = "") -> Reply:
        """Every term, or the one the query names, or the closest terms when none matches."""
        cat = self.cat
        entries = list(self.agreement.glossary)
        if not entries:
            return text_reply(cat.t("glossary.empty"))
        query = query.strip()
        if not query:
            lines: list[str] = []
            for entry in entries:
                lines.append(cat.t("glossary.entry", term=entry.term, definition=entry.definition))
            header = cat.plural("glossary.header", len(entries), company=self.agreement.company)
            return text_reply(header, lines)
        found = find_term(entries, query)
        if found is not None:
            aliases = (
                cat.t("glossary.aliases", aliases=", ".join(found.aliases))
                if found.aliases
                else None
            )
            return text_reply(
                cat.t("glossary.entry", term=found.term, definition=found.definition),
                footer=aliases,
            )
        near = closest_terms(entries, query)
        hint = (
            cat.t("glossary.suggestions", terms=cat.join([f"*{e.term}*" for e in near]))
            if near
            else ""
        )
        return text_reply(
            cat.t("glossary.no_match", query=escape(query[:100])),
            [hint] if hint else [],
            footer=cat.t("glossary.see_all"),
        )

    def owners(self, query: str = "") -> Reply:
        """Responsibilities grouped by team, filtered by team, person or words of a duty."""
        cat = self.cat
        items = list(self.agreement.responsibilities)
        if not items:
            return text_reply(cat.t("owners.empty"))
        query = query.strip()
        matches = filter_responsibilities(items, query)
        if not matches:
            teams = cat.join(list(group_by_team(items)))
            return text_reply(cat.t("owners.no_match", query=escape(query[:100]), teams=teams))
        lines: list[str] = []
        for team, duties in group_by_team(matches).items():
            lines.append(f"*{team.capitalize()}*")
            lines += [cat.t("owners.line", duty=r.duty, owner=r.owner) for r in duties]
        header = (
            cat.t("owners.filtered_header", query=escape(query[:100]))
            if query
            else cat.t("owners.header", company=self.agreement.company)
        )
        return text_reply(header, lines)

    def summary(self) -> Reply:
        """The agreement at a glance."""
        return text_reply(title(self.agreement, self.cat), summary_lines(self.agreement, self.cat))
