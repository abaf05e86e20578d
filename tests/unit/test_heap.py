"""Start-up objects are frozen out of the garbage collector's full passes."""

from __future__ import annotations

import gc

from bot.runtime.heap import freeze_startup_heap


class _StartupThing:
    """Stands for something start-up builds and keeps (an app, a mapper)."""


def test_frozen_startup_objects_are_no_longer_walked_by_collections() -> None:
    kept = _StartupThing()
    assert any(o is kept for o in gc.get_objects())
    try:
        frozen = freeze_startup_heap()
        assert frozen == gc.get_freeze_count() > 0
        assert not any(o is kept for o in gc.get_objects())
        later = _StartupThing()  # built after start-up: collected as usual
        assert any(o is later for o in gc.get_objects())
    finally:
        gc.unfreeze()
    assert gc.get_freeze_count() == 0
    assert any(o is kept for o in gc.get_objects())
