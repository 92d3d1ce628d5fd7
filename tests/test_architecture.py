"""The house rules of docs/developer/architecture.md, checked on the source:

- dependencies point one way, contest ← judging ← awards ← (demo, api): a lower app imports
  nothing from a higher one, at any depth of the module (function-level imports included);
- no import cycle among module-level imports (a task imports its service inside the function, so
  a service may import its tasks at the top);
- no Python module over 600 lines outside migrations, except the pure algorithm modules that
  architecture.md names with the reason.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LAYERS = ["contest", "judging", "awards", "notifications", "demo", "api"]
# What each app may import from among the project's apps (besides itself and config).
ALLOWED = {
    "contest": set(),
    "judging": {"contest"},
    "awards": {"contest", "judging"},
    "notifications": {"contest", "judging", "awards"},
    "demo": {"contest", "judging", "awards", "notifications"},
    "api": {"contest", "judging", "awards", "notifications"},
}
MAX_LINES = 600


def source_files(app: str) -> list[Path]:
    return sorted(
        path
        for path in (ROOT / app).rglob("*.py")
        if "migrations" not in path.parts and "__pycache__" not in path.parts
    )


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported_modules(path: Path, *, top_level_only: bool) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    nodes = tree.body if top_level_only else list(ast.walk(tree))
    if top_level_only:  # module level, including under `if TYPE_CHECKING:` / try blocks
        nodes = [n for stmt in tree.body for n in ast.walk(stmt) if not _in_function(stmt, n)]
    found: set[str] = set()
    package = (
        module_name(path) if path.name == "__init__.py" else module_name(path).rpartition(".")[0]
    )
    for node in nodes:
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)] if node.level > 1 else base
                prefix = ".".join(base)
                mod = f"{prefix}.{node.module}" if node.module else prefix
            else:
                mod = node.module or ""
            found.add(mod)
            found.update(f"{mod}.{alias.name}" for alias in node.names)
    return found


def _in_function(stmt: ast.stmt, node: ast.AST) -> bool:
    """True when `node` lies inside a function or class body below the module statement."""
    if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef):
        return True
    if isinstance(stmt, ast.ClassDef):
        return any(
            node is sub
            for item in stmt.body
            if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef)
            for sub in ast.walk(item)
        )
    return False


def test_apps_import_only_lower_apps():
    wrong = []
    for app, allowed in ALLOWED.items():
        for path in source_files(app):
            for mod in imported_modules(path, top_level_only=False):
                top = mod.split(".")[0]
                if top in LAYERS and top != app and top not in allowed:
                    wrong.append(f"{path.relative_to(ROOT)} imports {mod}")
    assert sorted(set(wrong)) == []


def test_no_import_cycle_between_modules():
    modules = {module_name(p): p for app in LAYERS + ["config"] for p in source_files(app)}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        targets = set()
        for mod in imported_modules(path, top_level_only=True):
            # `from x.y import z` names either module x.y.z or an attribute of x.y
            while mod and mod not in modules:
                mod = mod.rpartition(".")[0]
            if mod and mod != name and not name.startswith(f"{mod}."):
                targets.add(mod)
        graph[name] = targets
    cycles = _strongly_connected(graph)
    assert [sorted(c) for c in cycles if len(c) > 1] == []


def _strongly_connected(graph: dict[str, set[str]]) -> list[set[str]]:
    """Tarjan's algorithm, iterative."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    result: list[set[str]] = []
    counter = 0
    for start in graph:
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is None:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = set()
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.add(member)
                        if member == node:
                            break
                    result.append(component)
            elif child not in index:
                index[child] = low[child] = counter
                counter += 1
                stack.append(child)
                on_stack.add(child)
                work.append((child, iter(sorted(graph.get(child, ())))))
            elif child in on_stack:
                low[node] = min(low[node], index[child])
    return result


def long_module_exceptions() -> set[str]:
    """Modules docs/developer/architecture.md names as allowed over the limit: the rows of its
    table headed 'Modules over 600 lines', written as `path.py`."""
    text = (ROOT / "docs" / "developer" / "architecture.md").read_text(encoding="utf-8")
    section = text.split("## Modules over 600 lines", 1)
    if len(section) < 2:
        return set()
    body = section[1].split("\n## ", 1)[0]
    return set(re.findall(r"^\|\s*`([\w/]+\.py)`", body, re.MULTILINE))


@pytest.mark.parametrize("app", [*LAYERS, "config", "bench", "tests"])
def test_modules_stay_small(app):
    allowed = long_module_exceptions()
    too_long = {
        str(path.relative_to(ROOT)): length
        for path in source_files(app)
        if (length := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
        and str(path.relative_to(ROOT)) not in allowed
    }
    assert too_long == {}


def test_architecture_names_only_modules_that_exist():
    missing = [path for path in long_module_exceptions() if not (ROOT / path).exists()]
    assert missing == []
