"""Use cases for Slack events: de-duplication of Slack's retries and the App Home."""

from __future__ import annotations

from typing import Any

from bot.home.tab import HomeTab
from bot.runtime.clock import Clock
from storage.events import remember_event
from storage.unit_of_work import Database


class EventUseCases:
    """What the bot does when Slack tells it something happened."""

    def __init__(self, database: Database, home: HomeTab, clock: Clock) -> None:
        self.database = database
        self.home_tab = home
        self.clock = clock

    def first_delivery(self, event_id: str | None) -> bool:
        """Tell whether this event is new; Slack retries a delivery up to three times."""
        if not event_id:
            return True
        with self.database.unit_of_work() as session:
            return remember_event(session, event_id, self.clock())

    def home(self, user_id: str) -> dict[str, Any]:
        """The App Home view for a user."""
        return self.home_tab.view(user_id)
