"""The package's shape: imports point one way, private names stay home, docs/design.md lists
every module.

The imports are read from the installed package's sources with `ast` (every import, at the top
of a module or inside a function, counts: an import moved into a function to dodge a cycle is
still a cycle).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import followup_xl

PACKAGE = Path(followup_xl.__file__).resolve().parent
DESIGN = Path(__file__).resolve().parents[1] / "docs" / "design.md"


def modules() -> dict[str, Path]:
    """Return every module of the package by dotted name."""
    out = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        out[name] = path
    return out


def imports() -> tuple[dict[str, set[str]], list[tuple[str, str, str]]]:
    """Return each module's imported modules of the package, and the private names imported
    from another module as (importer, module, name)."""
    mods = modules()
    graph: dict[str, set[str]] = {m: set() for m in mods}
    private = []
    for name, path in mods.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                graph[name] |= {a.name for a in node.names if a.name in mods}
                continue
            if not isinstance(node, ast.ImportFrom):
                continue
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target not in mods:
                continue
            for alias in node.names:
                sub = f"{target}.{alias.name}"
                if sub in mods:
                    graph[name].add(sub)
                    continue
                graph[name].add(target)
                dunder = alias.name.startswith("__") and alias.name.endswith("__")
                if alias.name.startswith("_") and not dunder and target != name:
                    private.append((name, target, alias.name))
    for name in graph:
        graph[name].discard(name)
    return graph, private


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Return the strongly connected groups of more than one module (Tarjan, iteratively)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found = []
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == node:
                        break
                if len(group) > 1:
                    found.append(sorted(group))
    return found


def test_the_cycle_finder_finds_a_cycle() -> None:
    """The finder itself: a three-module ring is one group, a chain is none."""
    ring = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(ring) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": {"c"}, "c": set()}) == []


def test_no_import_cycles() -> None:
    """No two modules import each other, directly or through others."""
    graph, _ = imports()
    assert len(graph) > 40
    assert cycles(graph) == []


def test_no_private_name_is_imported_from_another_module() -> None:
    """A name that starts with "_" is used only in its own module."""
    _, private = imports()
    assert private == []


def test_the_design_module_table_lists_every_module() -> None:
    """docs/design.md's module table names each module once, and no module that is gone."""
    text = DESIGN.read_text(encoding="utf-8")
    section = text.split("# How it works", 1)[1].split("\n## ", 1)[0]
    listed = []
    for line in section.splitlines():
        if line.startswith("| `"):
            first = line.split("|")[1]
            listed += re.findall(r"`([\w/]+\.py)`", first)
    expected = sorted(
        str(path.relative_to(PACKAGE))
        for path in PACKAGE.rglob("*.py")
        if path.name != "__init__.py"
    )
    assert sorted(listed) == expected


def test_every_package_folder_of_the_checkout_is_shipped() -> None:
    """pyproject.toml names every folder of followup_xl/ that is a package, so a normal
    install carries each one (a missing name fails only after installing, far from here)."""
    import pytest

    tomllib = pytest.importorskip("tomllib", reason="tomllib comes with Python 3.11")
    root = DESIGN.parents[1]
    setup = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    shipped = set(setup["tool"]["setuptools"]["packages"]) - {"followup_xl.letter_templates"}
    folders = {
        ".".join(init.parent.relative_to(root).parts)
        for init in (root / "followup_xl").rglob("__init__.py")
    }
    assert folders == shipped
