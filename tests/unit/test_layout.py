"""Guards that keep the house in order: no import circles, fences between layers, small modules.

How imports are read is in layout_rules.py; test_layout_proofs.py shows each guard catching
what it guards against in a planted tree.
"""

from __future__ import annotations

import subprocess
import sys

from tests.unit.layout_rules import (
    FRAMEWORKS,
    MAX_LINES,
    ROOT,
    busy_inits,
    cycles,
    fence_crossings,
    import_graph,
    local_imports_in_production,
    long_modules,
    project_modules,
    third_party_imports,
    under,
)


def test_no_import_cycles_between_modules() -> None:
    found = cycles(import_graph(ROOT))
    assert not found, "import cycles (a TYPE_CHECKING import counts):\n" + "\n".join(
        " -> ".join(cycle) for cycle in found
    )


def test_production_code_never_imports_bot_local() -> None:
    found = local_imports_in_production(ROOT)
    assert not found, "production code reaches bot.local:\n" + "\n".join(found)


def test_sla_rules_imports_no_framework_nor_the_rest_of_the_bot() -> None:
    found = fence_crossings(ROOT, "sla_rules", ("bot", "handlers", "storage"))
    assert not found, "sla_rules imports the application:\n" + "\n".join(found)
    # What a module pulls in transitively, third-party packages included, shows only at run time.
    names = sorted(name for name in project_modules(ROOT) if under(name, "sla_rules"))
    code = (
        "import importlib, sys\n"
        f"for name in {names!r}: importlib.import_module(name)\n"
        f"bad = set({FRAMEWORKS!r})\n"
        "print(' '.join(sorted({name.split('.')[0] for name in sys.modules} & bad)))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    ).stdout
    assert not out.strip(), f"importing sla_rules loads: {out.strip()}"


def test_storage_never_imports_the_bot_or_the_handlers() -> None:
    found = fence_crossings(ROOT, "storage", ("bot", "handlers"))
    assert not found, "storage imports the layers above it:\n" + "\n".join(found)


def test_listeners_reach_the_database_only_through_use_cases() -> None:
    # LAYOUT.md: a listener acks, parses, calls one use case and renders; no SQL.
    found = fence_crossings(ROOT, "handlers", ("storage",))
    found += [
        f"{name} -> sqlalchemy"
        for name, tops in sorted(third_party_imports(ROOT, "handlers").items())
        if "sqlalchemy" in tops
    ]
    assert not found, "handlers reach the database themselves:\n" + "\n".join(found)


def test_no_module_is_over_400_lines() -> None:
    found = long_modules(ROOT)
    assert not found, f"modules over {MAX_LINES} lines:\n" + "\n".join(found)


def test_package_inits_are_empty_or_only_re_export() -> None:
    found = busy_inits(ROOT)
    assert not found, "package __init__ files with more than imports and __all__:\n" + "\n".join(
        found
    )
