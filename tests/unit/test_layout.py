"""Guards that keep the house in order: no import circles, fences between layers, small modules.

Imports are read with `ast`, so an import under `if TYPE_CHECKING:` or inside a function counts
as much as one at the top. The checks take a source root, so each is also shown catching what
it guards against in a small planted tree (the tests at the end).
"""

from __future__ import annotations

import ast
import subprocess
import sys
from collections import deque
from collections.abc import Iterable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("bot", "handlers", "sla_rules", "storage")
MAX_LINES = 400
# What production code reaches from: the app factory and every Slack and HTTP adapter.
PRODUCTION_ROOTS = ("bot.app", "handlers")
FRAMEWORKS = (
    "alembic",
    "apscheduler",
    "bot",
    "flask",
    "handlers",
    "prometheus_client",
    "slack_bolt",
    "slack_sdk",
    "sqlalchemy",
    "storage",
    "werkzeug",
)

Graph = dict[str, set[str]]


def project_modules(root: Path) -> dict[str, Path]:
    """Every module of the project's packages under root, by dotted name."""
    found: dict[str, Path] = {}
    for package in PACKAGES:
        for path in sorted((root / package).rglob("*.py")):
            parts = path.relative_to(root).with_suffix("").parts
            if parts[-1] == "__init__":
                parts = parts[:-1]
            found[".".join(parts)] = path
    return found


def _known(name: str, modules: dict[str, Path]) -> str | None:
    """The longest prefix of a dotted name that is a project module."""
    while name and name not in modules:
        name = name.rpartition(".")[0]
    return name or None


def imports_of(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """The project modules one module imports, wherever the import statement sits."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parents = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parents, base] if base else parents)
            # `from pkg import module` imports the module; `from module import name` the module.
            targets = [
                f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base
                for alias in node.names
            ]
        else:
            continue
        for target in targets:
            known = _known(target, modules)
            if known is not None and known != name:
                found.add(known)
    return found


def import_graph(root: Path) -> Graph:
    """Which project modules each project module imports."""
    modules = project_modules(root)
    return {name: imports_of(name, path, modules) for name, path in modules.items()}


def cycles(graph: Graph) -> list[list[str]]:
    """One closed path per group of modules that import each other, e.g. [a, b, a]."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[set[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.add(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(group)

    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 10_000))
    try:
        for node in sorted(graph):
            if node not in index:
                visit(node)
    finally:
        sys.setrecursionlimit(limit)
    return sorted(_closed_path(graph, group) for group in groups)


def _closed_path(graph: Graph, group: set[str]) -> list[str]:
    """The shortest way round a group, from its first module back to it."""
    start = min(group)
    came_from: dict[str, str] = {}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        for target in sorted(graph[node] & group):
            if target == start:
                path = [node]
                while path[-1] != start:
                    path.append(came_from[path[-1]])
                return [start, *reversed(path[:-1]), start]
            if target not in came_from:
                came_from[target] = node
                queue.append(target)
    raise AssertionError(f"no way round {sorted(group)}")


def reachable(graph: Graph, roots: Iterable[str]) -> dict[str, str | None]:
    """Every module loaded by importing the roots, with the module that first brought it in.

    Importing `a.b.c` also runs `a/__init__.py` and `a/b/__init__.py`: parents count.
    """
    starts = [name for name in graph if any(_under(name, root) for root in roots)]
    came_from: dict[str, str | None] = dict.fromkeys(starts)
    queue = deque(starts)
    while queue:
        node = queue.popleft()
        parents = {node.rsplit(".", n)[0] for n in range(1, node.count(".") + 1)}
        for target in sorted(graph[node] | (parents & graph.keys())):
            if target not in came_from:
                came_from[target] = node
                queue.append(target)
    return came_from


def _under(name: str, package: str) -> bool:
    return name == package or name.startswith(package + ".")


def _chain(came_from: dict[str, str | None], node: str) -> str:
    chain = [node]
    while (previous := came_from[chain[-1]]) is not None:
        chain.append(previous)
    return " -> ".join(reversed(chain))


def local_imports_in_production(root: Path) -> list[str]:
    """How production code reaches bot.local, one chain of imports per module reached."""
    came_from = reachable(import_graph(root), PRODUCTION_ROOTS)
    return [
        _chain(came_from, name)
        for name, previous in sorted(came_from.items())
        # Where each chain crosses the fence: bot.local's own imports follow from there.
        if _under(name, "bot.local") and not _under(previous or "", "bot.local")
    ]


def fence_crossings(root: Path, package: str, forbidden: Iterable[str]) -> list[str]:
    """Imports from one package into packages it must not know, as 'module -> target'."""
    graph = import_graph(root)
    return [
        f"{name} -> {target}"
        for name in sorted(graph)
        if _under(name, package)
        for target in sorted(graph[name])
        if any(_under(target, other) for other in forbidden)
    ]


def long_modules(root: Path) -> list[str]:
    """Modules over MAX_LINES lines, as 'path (lines)'."""
    found = []
    for path in project_modules(root).values():
        lines = len(path.read_text(encoding="utf-8").splitlines())
        if lines > MAX_LINES:
            found.append(f"{path.relative_to(root).as_posix()} ({lines})")
    return sorted(found)


def busy_inits(root: Path) -> list[str]:
    """Package __init__ files that hold more than imports and __all__, as 'path:line'."""
    found = []
    for path in project_modules(root).values():
        if path.name != "__init__.py":
            continue
        body = ast.parse(path.read_text(encoding="utf-8")).body
        if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
            body = body[1:]  # the docstring
        for node in body:
            if isinstance(node, ast.Import | ast.ImportFrom) or _is_all(node):
                continue
            found.append(f"{path.relative_to(root).as_posix()}:{node.lineno}")
    return sorted(found)


def _is_all(node: ast.stmt) -> bool:
    if isinstance(node, ast.Assign):
        targets = node.targets
    elif isinstance(node, ast.AnnAssign | ast.AugAssign):
        targets = [node.target]
    else:
        return False
    return all(isinstance(t, ast.Name) and t.id == "__all__" for t in targets)


# --- The guards -----------------------------------------------------------------------------


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
    names = sorted(name for name in project_modules(ROOT) if _under(name, "sla_rules"))
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


def third_party_imports(root: Path, package: str) -> dict[str, set[str]]:
    """The top-level names of what each module of a package imports, absolute imports only."""
    found: dict[str, set[str]] = {}
    for name, path in project_modules(root).items():
        if not _under(name, package):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                tops = {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
                tops = {node.module.split(".")[0]}
            else:
                continue
            found.setdefault(name, set()).update(tops)
    return found


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


# --- The guards catch what they guard against ------------------------------------------------


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
