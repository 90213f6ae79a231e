"""The package's shape: imports point one way, private names stay home, no module keeps a
memo between calls, docs/design.md lists every module.

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


#: Calls that make a mutable container, as a module-level name's value.
_CONTAINERS = {"dict", "list", "set", "defaultdict", "OrderedDict", "Counter", "deque",
               "WeakKeyDictionary", "WeakValueDictionary"}  # fmt: skip
#: Methods that change a container in place.
_MUTATORS = {"append", "add", "update", "setdefault", "pop", "popitem", "clear", "extend",
             "insert", "remove", "discard"}  # fmt: skip
#: Module state a function changes on purpose, each for a reason other than remembering results:
STATE_ALLOWED = {
    # the workbooks whose run lock this process holds: an entry lives as long as its `with`
    # (run_lock is re-entrant, and a second flock by the same process would wait for itself)
    ("followup_xl.safewrite", "_held"),
    # the benchmark's phase laps, kept only when FOLLOWUP_XL_TIMINGS is set, written at exit
    ("followup_xl.timing", "_phases"),
}


def module_state(source: str) -> set[str]:
    """Return what in a module's source can keep results between calls: a function wrapped in
    a functools cache ("cache:name"), and each module-level container a function changes."""
    tree = ast.parse(source)
    found = set()
    containers = set()
    for node in tree.body:
        value = node.value if isinstance(node, (ast.Assign, ast.AnnAssign)) else None
        targets = node.targets if isinstance(node, ast.Assign) else [getattr(node, "target", 0)]
        call = value.func if isinstance(value, ast.Call) else None
        called = getattr(call, "id", None) or getattr(call, "attr", None)
        literal = (ast.Dict, ast.List, ast.Set, ast.DictComp, ast.ListComp, ast.SetComp)
        if isinstance(value, literal) or called in _CONTAINERS:
            containers |= {t.id for t in targets if isinstance(t, ast.Name)}
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for deco in node.decorator_list:
                text = ast.unparse(deco)
                if re.search(r"\b(lru_cache|cache)\b", text):
                    found.add(f"cache:{node.name}")
            found |= {name for inner in ast.walk(node) for name in _changed(inner, containers)}
    return found


def _changed(node: ast.AST, containers: set[str]) -> set[str]:
    """Return the containers a statement or call changes in place: `c[k] = v`, `del c[k]`,
    `c[k] += 1`, `c.append(v)`."""
    if isinstance(node, (ast.Assign, ast.Delete)):
        targets = node.targets
    elif isinstance(node, ast.AugAssign):
        targets = [node.target]
    elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        owner = node.func.value
        if isinstance(owner, ast.Name) and node.func.attr in _MUTATORS:
            return {owner.id} & containers
        return set()
    else:
        return set()
    subscripted = (t.value for t in targets if isinstance(t, ast.Subscript))
    return {t.id for t in subscripted if isinstance(t, ast.Name)} & containers


def test_the_state_finder_finds_memos() -> None:
    """The finder itself: a functools cache, a module dict filled by a function, a module list
    appended to; not a module table only read, nor a container local to a function."""
    source = (
        "import functools\nfrom functools import lru_cache\n_MEMO = {}\n_SEEN: list = []\n"
        "TABLE = {'a': 1}\n"
        "@functools.lru_cache(maxsize=8)\ndef a(x): return x\n"
        "@lru_cache\ndef b(x): return x\n"
        "@functools.cache\ndef c(x): return x\n"
        "def d(x):\n    _MEMO[x] = x\n    _SEEN.append(x)\n    return TABLE[x]\n"
        "def e(x):\n    local = {}\n    local[x] = 1\n    return local\n"
    )
    assert module_state(source) == {"cache:a", "cache:b", "cache:c", "_MEMO", "_SEEN"}


def test_no_module_keeps_a_memo_between_calls() -> None:
    """What a run looks up once (calendars, address layouts, the dictionary, dates written)
    lives in an object the run makes and drops, never in a module: nothing a call leaves
    behind can change the next call's answer, and a long-lived process does not grow."""
    found = {
        (name, what)
        for name, path in modules().items()
        for what in module_state(path.read_text(encoding="utf-8"))
    }
    assert found == STATE_ALLOWED


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
