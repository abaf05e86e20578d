"""Reading the project's imports with `ast`: the graph, its cycles, fences and sizes.

An import under `if TYPE_CHECKING:` or inside a function counts as much as one at the top. Every
check takes a source root, so the guards run it on the project and the proofs on planted trees.
"""

from __future__ import annotations

import ast
import sys
from collections import deque
from collections.abc import Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PACKAGES = ("bot", "handlers", "sla_rules", "storage")

MAX_LINES = 400

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
    starts = [name for name in graph if any(under(name, root) for root in roots)]
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


def under(name: str, package: str) -> bool:
    """Whether a dotted module name is the package or inside it."""
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
        if under(name, "bot.local") and not under(previous or "", "bot.local")
    ]


def fence_crossings(root: Path, package: str, forbidden: Iterable[str]) -> list[str]:
    """Imports from one package into packages it must not know, as 'module -> target'."""
    graph = import_graph(root)
    return [
        f"{name} -> {target}"
        for name in sorted(graph)
        if under(name, package)
        for target in sorted(graph[name])
        if any(under(target, other) for other in forbidden)
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


def third_party_imports(root: Path, package: str) -> dict[str, set[str]]:
    """The top-level names of what each module of a package imports, absolute imports only."""
    found: dict[str, set[str]] = {}
    for name, path in project_modules(root).items():
        if not under(name, package):
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
