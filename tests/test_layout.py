"""The architecture's arrows and size limits, checked on the source tree itself.

- `optimizer` imports nothing from `api` or `cli`, nor web or database libraries, directly or
  through `importlib`;
- no module imports another module's private (`_name`) names;
- no import cycle among the project's modules (imports inside functions included);
- modules stay under about 400 lines and functions under about 60.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("optimizer", "api", "cli")
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60
ENGINE_MUST_NOT_IMPORT = ("api", "cli", "fastapi", "starlette", "sqlalchemy", "uvicorn", "alembic")


def _modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            parts = path.relative_to(ROOT).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            found[name] = path
    return found


MODULES = _modules()


def _imports(path: Path) -> Iterator[tuple[str, list[str], int]]:
    """(module imported from, names imported, line) for every import in the file."""
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, [], node.lineno
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module, [a.name for a in node.names], node.lineno
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in ("import_module", "find_spec")
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            yield node.args[0].value, [], node.lineno


def _project_target(module: str, names: list[str]) -> list[str]:
    """The project modules an import statement loads."""
    targets = [module] if module in MODULES else []
    targets += [f"{module}.{n}" for n in names if f"{module}.{n}" in MODULES]
    return targets


def test_the_engine_imports_neither_the_service_nor_the_command() -> None:
    offending = [
        f"{name}:{line} imports {module}"
        for name, path in MODULES.items()
        if name.startswith("optimizer")
        for module, _, line in _imports(path)
        if module.split(".")[0] in ENGINE_MUST_NOT_IMPORT
    ]
    assert offending == []


def test_no_module_imports_another_modules_private_names() -> None:
    offending = [
        f"{name}:{line} imports {module}.{n}"
        for name, path in MODULES.items()
        for module, names, line in _imports(path)
        if module.split(".")[0] in PACKAGES
        for n in names
        if n.startswith("_") and not n.startswith("__")
    ]
    assert offending == []


def test_there_is_no_import_cycle() -> None:
    graph = {
        name: {t for m, names, _ in _imports(path) for t in _project_target(m, names)} - {name}
        for name, path in MODULES.items()
    }
    for package in list(graph):  # a package's __init__ imports its parts: not a cycle back
        graph[package] = {t for t in graph[package] if not _inside(package, t) or t != package}
    cycles = [c for c in _cycles(graph) if not _only_through_package_init(c)]
    assert cycles == []


def _inside(package: str, module: str) -> bool:
    return module.startswith(package + ".")


def _only_through_package_init(cycle: list[str]) -> bool:
    """A submodule importing a name of its own package's __init__ that re-exports it is the
    usual Python package shape, not a cycle of ideas; any other cycle counts."""
    return all(
        _inside(a, b) or _inside(b, a) for a, b in zip(cycle, cycle[1:] + cycle[:1], strict=True)
    )


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


@pytest.mark.parametrize("name", sorted(MODULES))
def test_modules_and_functions_stay_small(name: str) -> None:
    path = MODULES[name]
    source = path.read_text()
    long_functions = [
        f"{node.name} ({node.end_lineno - node.lineno + 1} lines)"
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and node.end_lineno is not None
        and node.end_lineno - node.lineno + 1 > MAX_FUNCTION_LINES
    ]
    assert len(source.splitlines()) <= MAX_MODULE_LINES + 20
    assert long_functions == []
