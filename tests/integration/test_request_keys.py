"""Request keys on a real database: every Database built gets the listeners that store them."""

from __future__ import annotations

import gc
from datetime import date

from sqlalchemy import func, select

from bot.request_keys import RequestKeys, request_key
from bot.runtime.clock import utc_now
from storage.goals import record_count
from storage.models import CountEntry
from storage.unit_of_work import Database

# Enough tries for the allocator to hand a freed factory's address to a new one a few times.
TRIES = 200
REUSES = 3


def test_a_database_built_where_a_dropped_one_lived_still_stores_its_keys(
    database: Database,
) -> None:
    # A bot per Database, each dropped before the next is built (as the tests build a bot per
    # test): a new session factory then often lives at a freed one's address. The listeners
    # were skipped there once (SQLAlchemy's event registry remembers factories by id), so a
    # replayed request ran its work again. Forced here, not left to a loaded machine's luck.
    addresses: set[int] = set()
    reused = built = 0
    while reused < REUSES and built < TRIES:
        n = built
        built += 1
        bot_database = Database(database.engine)
        keys = RequestKeys(bot_database, utc_now)
        reused += id(bot_database.sessions) in addresses
        addresses.add(id(bot_database.sessions))
        key = request_key("command", f"trigger-{n}", extra=("U0MKT1", "record visits 75"))

        def work(db: Database = bot_database, n: int = n) -> str:
            with db.unit_of_work() as session:
                record_count(
                    session, "visits", date(2026, 12, 1), n, add=False, by="U0MKT1", now=utc_now()
                )
            return "recorded"

        answers = [keys.run(key, work, lambda: "replayed") for _ in range(3)]
        assert answers == ["recorded", "replayed", "replayed"], f"database {n}"
        del bot_database, keys, work
        gc.collect()
    assert reused == REUSES, "no Database was built at a freed one's address: case not tried"
    with database.reading() as session:
        assert session.scalar(select(func.count()).select_from(CountEntry)) == built
