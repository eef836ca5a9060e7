"""The layers of docs/architecture.md, enforced: who may import whom, no import circles, no
module-level mutable state outside util/, no module assigning another's attributes, short
functions and files."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

from conftest import ROOT

PACKAGE = ROOT / "dangjian"
FOUNDATION = {"dangjian", "dangjian.errors", "dangjian.problems", "dangjian.schema", "dangjian.config", "dangjian.options"}
# What each layer may import from the package (besides itself).
ALLOWED = {
    "foundation": {"foundation"},
    "util": {"foundation", "util"},
    "core": {"foundation", "core"},
    "body": {"foundation", "core", "body"},
    "incremental": {"foundation", "util", "core", "body", "incremental"},
    "build": {"foundation", "util", "core", "body", "incremental.rebuild", "build"},
    "tools": {"foundation", "util", "core", "body", "incremental.rebuild", "build", "tools"},
    "top": {"foundation", "util", "core", "body", "incremental.rebuild", "build", "tools", "top"},
}
LONG_FUNCTION = 60
LONG_FILE = 500
# Files allowed past LONG_FILE, and why (docs/architecture.md says the same).
LONG_FILES: dict[str, str] = {}


def modules() -> dict[str, Path]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


def layer(module: str) -> str:
    if module in FOUNDATION:
        return "foundation"
    parts = module.split(".")
    if parts[1] in ("util", "core", "body", "incremental", "build", "tools"):
        return parts[1]
    return "top"                                    # cli, serve, __main__


def imports(module: str, path: Path) -> set[str]:
    """Every module of the package that `module` imports, anywhere in the file (functions too)."""
    tree = ast.parse(path.read_text("utf-8"))
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    known = modules()
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            names = [f"{base}.{a.name}" if f"{base}.{a.name}" in known else base for a in node.names]
        else:
            continue
        found.update(n for n in names if n.startswith("dangjian") and n in known and n != module)
    return found


def allowed(importer: str, imported: str) -> bool:
    rules = ALLOWED[layer(importer)]
    target = layer(imported)
    if target == "incremental" and "incremental" not in rules:
        return imported == "dangjian.incremental.rebuild" and "incremental.rebuild" in rules
    return target in rules


def test_every_import_follows_the_layers():
    wrong = [f"{m} imports {i}" for m, path in modules().items() for i in imports(m, path) if not allowed(m, i)]
    assert not wrong, "\n".join(wrong)


def test_no_two_modules_import_each_other_directly_or_in_a_loop():
    graph = {m: imports(m, path) for m, path in modules().items()}
    graph = {m: {i for i in deps if i != "dangjian"} for m, deps in graph.items()}   # the package's version only
    state: dict[str, int] = {}
    loops = []

    def visit(node: str, trail: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                loops.append(" → ".join(trail[trail.index(nxt):] + [nxt]))
            elif nxt not in state:
                visit(nxt, trail + [nxt])
        state[node] = 2

    for start in sorted(graph):
        if start not in state:
            visit(start, [start])
    assert not loops, "\n".join(loops)


def _module_level_names(tree: ast.Module) -> set[str]:
    names = set()
    for node in tree.body:
        targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(
            node, (ast.AnnAssign, ast.AugAssign)) else []
        names.update(t.id for t in targets if isinstance(t, ast.Name))
    return names


MUTATORS = {"append", "extend", "update", "clear", "pop", "popitem", "setdefault", "add", "discard", "remove",
            "insert", "__setitem__"}


def test_no_module_level_mutable_state_outside_util():
    """No `global`, and no function that changes a module-level name, outside util/."""
    found = []
    for module, path in modules().items():
        if layer(module) == "util":
            continue
        tree = ast.parse(path.read_text("utf-8"))
        names = _module_level_names(tree)
        for func in [n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]:
            local = {a.arg for a in func.args.args + func.args.kwonlyargs}
            for node in ast.walk(func):
                if isinstance(node, ast.Global):
                    found.append(f"{module}.{func.name}: global {', '.join(node.names)}")
                elif isinstance(node, (ast.Subscript, ast.Attribute)) and isinstance(node.ctx, ast.Store) \
                        and isinstance(node.value, ast.Name) and node.value.id in names - local:
                    found.append(f"{module}.{func.name}: changes {node.value.id}")
                elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                        and node.func.attr in MUTATORS and isinstance(node.func.value, ast.Name) \
                        and node.func.value.id in names - local:
                    found.append(f"{module}.{func.name}: {node.func.value.id}.{node.func.attr}()")
    assert not found, "\n".join(found)


def test_no_module_assigns_another_modules_attributes():
    found = []
    for module, path in modules().items():
        tree = ast.parse(path.read_text("utf-8"))
        imported = {a.asname or a.name for n in ast.walk(tree) if isinstance(n, (ast.Import, ast.ImportFrom))
                    for a in n.names}
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store) \
                    and isinstance(node.value, ast.Name) and node.value.id in imported:
                found.append(f"{module}: assigns {node.value.id}.{node.attr}")
    assert not found, "\n".join(found)


@pytest.mark.parametrize("folder", ["core", "build", "incremental"])
def test_functions_are_short_enough_to_read_at_once(folder):
    long = []
    for path in sorted((PACKAGE / folder).rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                length = node.end_lineno - node.lineno + 1
                if length > LONG_FUNCTION:
                    long.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.name}: {length} lines")
    assert not long, "\n".join(long)


def test_files_stay_under_500_lines_unless_one_concept_needs_more():
    long = {path.relative_to(ROOT).as_posix(): len(path.read_text("utf-8").splitlines())
            for path in PACKAGE.rglob("*.py")}
    over = {p: n for p, n in long.items() if n > LONG_FILE and p not in LONG_FILES}
    assert not over, over
    documented = (ROOT / "docs" / "architecture.md").read_text("utf-8")
    assert all(p in documented for p in LONG_FILES), "say in docs/architecture.md why each long file is long"


def test_the_map_names_every_module():
    documented = (ROOT / "docs" / "architecture.md").read_text("utf-8")
    missing = [m for m, path in modules().items() if path.name != "__init__.py" and path.name != "__main__.py"
               and f"{path.stem}" not in documented]
    assert not missing, missing
