"""Each layout guard catches what it guards against, shown on a small planted tree."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.unit.layout_rules import (
    MAX_LINES,
    PACKAGES,
    busy_inits,
    cycles,
    fence_crossings,
    import_graph,
    local_imports_in_production,
    long_modules,
    third_party_imports,
)


def plant(root: Path, files: dict[str, str]) -> Path:
    """A small tree of the project's packages under root, each file with its text."""
    for package in PACKAGES:
        (root / package).mkdir(parents=True, exist_ok=True)
        (root / package / "__init__.py").touch()
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        (path.parent / "__init__.py").touch()
        path.write_text(text, encoding="utf-8")
    return root


def test_a_type_checking_import_closing_a_circle_is_named(tmp_path: Path) -> None:
    root = plant(
        tmp_path,
        {
            "bot/leads/claims.py": "from bot.leads.messages import claim_reply\n",
            "bot/leads/messages.py": (
                "from typing import TYPE_CHECKING\n"
                "if TYPE_CHECKING:\n"
                "    from bot.leads import claims\n"
            ),
            "bot/runtime/a.py": "def late():\n    from . import b\n",
            "bot/runtime/b.py": "import bot.runtime.c\n",
            "bot/runtime/c.py": "from bot.runtime.a import late\n",
        },
    )
    assert cycles(import_graph(root)) == [
        ["bot.leads.claims", "bot.leads.messages", "bot.leads.claims"],
        ["bot.runtime.a", "bot.runtime.b", "bot.runtime.c", "bot.runtime.a"],
    ]


def test_a_local_import_reached_from_a_handler_is_traced(tmp_path: Path) -> None:
    root = plant(
        tmp_path,
        {
            "bot/app.py": "import handlers\n",
            "handlers/actions.py": "from bot.leads.claims import Claims\n",
            "bot/leads/claims.py": "def f():\n    from bot.local.harness import LocalBot\n",
            "bot/local/harness.py": "",
            "bot/cli/main.py": "from bot.local.harness import LocalBot\n",  # allowed: not reached
        },
    )
    assert local_imports_in_production(root) == [
        "handlers.actions -> bot.leads.claims -> bot.local.harness"
    ]


@pytest.mark.parametrize(
    ("package", "forbidden", "text"),
    [
        ("sla_rules", ("bot", "handlers", "storage"), "from storage.models import Lead\n"),
        ("storage", ("bot", "handlers"), "from bot.ui.lead_view import LeadView\n"),
    ],
)
def test_a_fence_crossing_is_named(
    tmp_path: Path, package: str, forbidden: tuple[str, ...], text: str
) -> None:
    root = plant(
        tmp_path,
        {
            f"{package}/rules.py": text,
            "storage/models.py": "",
            "bot/ui/lead_view.py": "",
        },
    )
    target = text.split()[1]
    assert fence_crossings(root, package, forbidden) == [f"{package}.rules -> {target}"]


def test_a_long_module_and_a_busy_init_are_named(tmp_path: Path) -> None:
    root = plant(
        tmp_path,
        {
            "bot/goals/long.py": "x = 1\n" * (MAX_LINES + 1),
            "bot/goals/short.py": "x = 1\n" * MAX_LINES,
            "bot/goals/__init__.py": (
                '"""Goals."""\n\nfrom bot.goals.short import x\n\n__all__ = ["x"]\n'
            ),
            "handlers/__init__.py": "import flask\n\n\ndef register():\n    pass\n",
        },
    )
    assert long_modules(root) == [f"bot/goals/long.py ({MAX_LINES + 1})"]
    assert busy_inits(root) == ["handlers/__init__.py:4"]


def test_a_handler_importing_sqlalchemy_is_named(tmp_path: Path) -> None:
    root = plant(tmp_path, {"handlers/views.py": "from sqlalchemy import select\n"})
    assert third_party_imports(root, "handlers")["handlers.views"] == {"sqlalchemy"}
