"""The business-hours clock: deadlines and elapsed time that count only working hours."""

from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from typing import get_args
from zoneinfo import ZoneInfo

import holidays

from sla_rules.agreement import Agreement, BusinessHours, Clock

# A calendar this long without one open day is misconfigured; give up rather than loop forever.
_MAX_CLOSED_DAYS = 3 * 366
_ONE_DAY = timedelta(days=1)
_ZERO = timedelta(0)

Interval = tuple[datetime, datetime]


def _aware_utc(instant: datetime, name: str) -> datetime:
    """The instant in UTC, refusing naive datetimes whose zone would be a guess."""
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware, got naive {instant.isoformat()}")
    # Everything internal is UTC: aware datetimes sharing one ZoneInfo compare and subtract as
    # wall times, which is wrong across DST changes.
    return instant.astimezone(UTC)


class BusinessClock:
    """Business time in the agreement's zone: working days, hours, public and extra holidays."""

    def __init__(
        self, hours: BusinessHours, zone: ZoneInfo, mode: Clock = "business_hours"
    ) -> None:
        if mode not in get_args(Clock):
            raise ValueError(f"unknown clock mode {mode!r}; use one of {get_args(Clock)}")
        self._hours = hours
        self._zone = zone
        self._mode = mode
        self._weekdays = hours.weekdays
        self._extra_holidays = frozenset(hours.holidays)
        self._country = hours.holidays_country
        self._public_holidays: dict[int, frozenset[date]] = {}
        # The agreement refuses a country without a calendar (BusinessHours._calendar_known).
        self._days: dict[date, Interval | None] = {}

    @classmethod
    def from_agreement(cls, agreement: Agreement) -> "BusinessClock":
        """The clock the agreement's response policy runs on."""
        return cls(agreement.business_hours, agreement.zone, agreement.response.clock)

    @property
    def mode(self) -> Clock:
        """Whether durations count business hours only or every second."""
        return self._mode

    # --- Calendar -----------------------------------------------------------------------------

    def is_business_day(self, day: date) -> bool:
        """Whether the day is a working weekday and neither a public nor an extra holiday."""
        if day.weekday() not in self._weekdays or day in self._extra_holidays:
            return False
        return self._country is None or day not in self._holidays_of(day.year)

    def _holidays_of(self, year: int) -> frozenset[date]:
        """The country's public holidays in one year, computed once."""
        found = self._public_holidays.get(year)
        if found is None:
            assert self._country is not None
            found = frozenset(holidays.country_holidays(self._country, years=year))
            self._public_holidays[year] = found
        return found

    def _at(self, day: date, clock_time: time) -> datetime:
        """The UTC instant of a local wall time; gap and fold times resolve as fold=0 does."""
        local = datetime.combine(day, clock_time.replace(fold=0, tzinfo=None), tzinfo=self._zone)
        return local.astimezone(UTC)

    def _local_date(self, instant: datetime) -> date:
        """The calendar day an instant falls on in the agreement's zone."""
        return instant.astimezone(self._zone).date()

    def _day_interval(self, day: date) -> Interval | None:
        """The day's open interval [opening, closing) in UTC, or None when closed all day."""
        if day in self._days:
            return self._days[day]
        interval: Interval | None = None
        if self.is_business_day(day):
            opening = self._at(day, self._hours.start)
            closing = self._at(day, self._hours.end)
            # Hours inside a DST gap can resolve to an empty or inverted span: treat as closed.
            if opening < closing:
                interval = (opening, closing)
        self._days[day] = interval
        return interval

    def _open_days_from(self, day: date) -> Iterator[tuple[date, Interval]]:
        """Every open day from the given one on, refusing a calendar that never opens."""
        closed_run = 0
        while True:
            interval = self._day_interval(day)
            if interval is None:
                closed_run += 1
                if closed_run > _MAX_CLOSED_DAYS:
                    raise ValueError(
                        f"business hours never open in the {_MAX_CLOSED_DAYS} days from "
                        f"{day - timedelta(days=closed_run - 1)}; check days and holidays"
                    )
            else:
                closed_run = 0
                yield day, interval
            day += _ONE_DAY

    def _open_intervals_utc(self, start: datetime, end: datetime) -> Iterator[Interval]:
        """The calendar's open intervals clipped to [start, end), both already UTC."""
        day = self._local_date(start)
        last = self._local_date(end)
        while day <= last:
            interval = self._day_interval(day)
            if interval is not None:
                low, high = max(interval[0], start), min(interval[1], end)
                if low < high:
                    yield low, high
            day += _ONE_DAY

    # --- Durations ----------------------------------------------------------------------------

    def is_open(self, instant: datetime) -> bool:
        """Whether the instant falls within business hours (always, in "always" mode)."""
        moment = _aware_utc(instant, "instant")
        if self._mode == "always":
            return True
        interval = self._day_interval(self._local_date(moment))
        return interval is not None and interval[0] <= moment < interval[1]

    def next_opening(self, instant: datetime) -> datetime:
        """The instant itself when open, else the next instant business hours open."""
        moment = _aware_utc(instant, "instant")
        if self._mode == "always":
            return moment
        return self._calendar_opening(moment)

    def _calendar_opening(self, moment: datetime) -> datetime:
        """The UTC moment itself when within business hours, else the next opening."""
        _, (opening, _) = self._open_day_after(moment)
        return max(moment, opening)

    def _open_day_after(self, moment: datetime) -> tuple[date, Interval]:
        """The first open day whose closing is after the UTC moment."""
        for day, interval in self._open_days_from(self._local_date(moment)):
            if moment < interval[1]:
                return day, interval
        raise AssertionError("unreachable: _open_days_from never ends")  # pragma: no cover

    def add(self, start: datetime, duration: timedelta) -> datetime:
        """The earliest instant by which `duration` of business time has passed since start."""
        moment = _aware_utc(start, "start")
        if duration < _ZERO:
            raise ValueError(f"duration must not be negative, got {duration}")
        if self._mode == "always" or duration == _ZERO:
            return moment + duration
        remaining = duration
        for _, (opening, closing) in self._open_days_from(self._local_date(moment)):
            if moment >= closing:
                continue
            available = closing - max(moment, opening)
            # `<=` so that a duration ending exactly at closing returns closing, not tomorrow.
            if remaining <= available:
                return max(moment, opening) + remaining
            remaining -= available
        raise AssertionError("unreachable: _open_days_from never ends")  # pragma: no cover

    def elapsed(self, start: datetime, end: datetime) -> timedelta:
        """The business time within [start, end); zero when end is not after start."""
        total = _ZERO
        for low, high in self.open_intervals(start, end):
            total += high - low
        return total

    def open_intervals(self, start: datetime, end: datetime) -> Iterator[Interval]:
        """The open intervals overlapping [start, end), clipped to it, in UTC."""
        low = _aware_utc(start, "start")
        high = _aware_utc(end, "end")
        if high <= low:
            return iter(())
        if self._mode == "always":
            return iter(((low, high),))
        return self._open_intervals_utc(low, high)

    # --- Cadence ------------------------------------------------------------------------------

    def add_business_days(self, start: datetime, days: int) -> datetime:
        """The same time of day `days` business days later, moved into business hours first.

        Cadence days count the business calendar whatever the response clock's mode: an
        "always" clock changes how durations run, not which days are working days.
        """
        moment = _aware_utc(start, "start")
        if days < 0:
            raise ValueError(f"days must not be negative, got {days}")
        if days == 0:
            return self._calendar_opening(moment)
        day, (opening, _) = self._open_day_after(moment)
        # A lead arriving before opening (or on a closed day) counts from the opening itself.
        from_opening = moment <= opening
        clock_time = moment.astimezone(self._zone).time()
        for _ in range(days):
            day = self._next_business_day(day)
        target = self._day_interval(day)
        assert target is not None
        return target[0] if from_opening else self._at(day, clock_time)

    def _next_business_day(self, day: date) -> date:
        """The first day after `day` with business hours."""
        found, _ = next(self._open_days_from(day + _ONE_DAY))
        return found
