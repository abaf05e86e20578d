"""The agreement at a glance: the lines `sla-bot check` prints and `/sla agreement` shows."""

from __future__ import annotations

from bot.ui.catalogue import Catalogue
from sla_rules.agreement import Agreement
from sla_rules.durations import format_duration

WEEK = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _days(days: list[str], cat: Catalogue) -> str:
    ordered = sorted(days, key=WEEK.index)
    indexes = [WEEK.index(day) for day in ordered]
    # A run of consecutive days reads better as "Mon–Fri" than as a list.
    if len(indexes) > 2 and indexes == list(range(indexes[0], indexes[-1] + 1)):
        return f"{cat.t('days.' + ordered[0])}–{cat.t('days.' + ordered[-1])}"
    return ", ".join(cat.t("days." + day) for day in ordered)


def _mentions(ids: list[str], cat: Catalogue, empty_key: str) -> str:
    return ", ".join(f"<@{user}>" for user in ids) if ids else cat.t(empty_key)


def title(agreement: Agreement, cat: Catalogue) -> str:
    """The summary's first line."""
    return cat.t("summary.title", company=agreement.company)


def summary_lines(agreement: Agreement, cat: Catalogue) -> list[str]:
    """Describe the agreement in a few lines: zone, hours, response, cadence, goals, channels."""
    hours = agreement.business_hours
    closed: list[str] = []
    if hours.holidays_country:
        closed.append(cat.t("summary.holidays_country", country=hours.holidays_country))
    if hours.holidays:
        closed.append(cat.plural("summary.holidays_extra", len(hours.holidays)))
    holidays = cat.t("summary.holidays", what=cat.join(closed)) if closed else ""
    response = agreement.response
    steps = [
        cat.t(
            "summary.step_reassign" if step.reassign else f"summary.step_{step.notify}",
            after=format_duration(step.after),
        )
        for step in response.escalation
    ]
    cadence = agreement.cadence
    kinds = [cat.plural(f"kind.{kind}", count) for kind, count in cadence.counts().items() if count]
    goals = agreement.goals
    slack = agreement.slack
    funnel = agreement.funnel
    lines = [
        cat.t("summary.zone", zone=agreement.timezone, language=cat.t(f"language.{cat.language}")),
        cat.t(
            "summary.business_hours",
            days=_days(list(hours.days), cat),
            start=hours.start.strftime("%H:%M"),
            end=hours.end.strftime("%H:%M"),
            holidays=holidays,
        ),
        cat.t(
            "summary.response",
            duration=format_duration(response.first_touch_within),
            clock=cat.t(f"summary.clock_{response.clock}"),
        ),
    ]
    if steps:
        lines.append(cat.t("summary.escalation", steps="; ".join(steps)))
    lines += [
        cat.plural(
            "summary.cadence",
            cadence.span_days(),
            kinds=cat.join(kinds),
            stops=cat.join([cat.t(f"outcome.{outcome}") for outcome in cadence.stop_on]),
        ),
        cat.t(
            "summary.goals",
            goals=", ".join(
                cat.t("summary.goal", target=cat.number(goal.target), metric=name)
                for name, goal in goals.metrics.items()
            ),
        ),
        cat.t(
            "summary.celebrate",
            milestones=cat.join([cat.percent(m / 100) for m in goals.celebrate_at]),
        ),
        cat.t(
            "summary.funnel",
            revenue=cat.number(funnel.revenue_goal),
            currency=funnel.currency,
            share=cat.percent(funnel.marketing_share),
        ),
        cat.t(
            "summary.channels",
            handoff=f"<#{slack.handoff_channel}>",
            standup=f"<#{slack.standup_channel}>",
            escalation=f"<#{slack.escalation_channel or slack.handoff_channel}>",
        ),
        cat.t(
            "summary.people",
            managers=_mentions(list(slack.managers), cat, "summary.nobody"),
            reps=_mentions(list(slack.sales_reps), cat, "summary.anyone"),
            marketers=_mentions(list(slack.marketers), cat, "summary.nobody"),
        ),
        _hubspot_line(agreement, cat),
        _salesforce_line(agreement, cat),
    ]
    return lines


def _codes(names: list[str], between: str = " | ") -> str:
    return between.join(f"`{name}`" for name in names)


def _hubspot_line(agreement: Agreement, cat: Catalogue) -> str:
    """How a HubSpot contact becomes a lead (the crm: section, or HubSpot's defaults)."""
    hub = agreement.crm.hubspot
    return cat.t(
        "summary.hubspot",
        mql=f"`{hub.mql_property}` = {' | '.join(f'`{v}`' for v in hub.mql_values)}",
        name=" + ".join(f"`{p}`" for p in hub.name),
        source=f"`{hub.source}`",
        reason=f"`{hub.reason}`",
        won=f"`{hub.won_property}` = {' | '.join(f'`{v}`' for v in hub.won_values)}",
    )


def _salesforce_line(agreement: Agreement, cat: Catalogue) -> str:
    """How a Salesforce Lead becomes a lead and closes it (crm.salesforce, or the defaults)."""
    sf = agreement.crm.salesforce
    status = f"`{sf.status}`"
    return cat.t(
        "summary.salesforce",
        mql=f"{status} = {_codes(sf.mql_statuses)}",
        name=_codes(sf.name, " + "),
        source=_codes(sf.source),
        reason=_codes(sf.reason),
        won=f"{status} = {_codes(sf.won_statuses)}",
        disqualified=f"{status} = {_codes(sf.disqualified_statuses)}",
    )
