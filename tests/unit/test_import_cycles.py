"""No import cycles in app/: every module's imports (top-level, inside functions, relative, ``from . import x``)
form a graph without loops, so each module can be read, tested and loaded on its own."""
from __future__ import annotations

import ast
from pathlib import Path

APP = Path(__file__).resolve().parents[2] / "app"


def module_names(root: Path) -> dict[str, Path]:
    """``{"app.api.b2b": path}`` for every Python file under ``root`` (a package's ``__init__`` is the package)."""
    out = {}
    for path in root.rglob("*.py"):
        parts = list(path.relative_to(root.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        out[".".join(parts)] = path
    return out


def _absolute(module: str, is_package: bool, level: int, name: str | None) -> str:
    """The absolute name of ``from <level dots><name> import ...`` written in ``module``."""
    if not level:
        return name or ""
    base = module.split(".")
    if not is_package:
        base = base[:-1]
    base = base[:len(base) - (level - 1)]
    return ".".join([*base, name] if name else base)


def imports_of(module: str, path: Path, known: set[str]) -> set[str]:
    """The modules of ``known`` that ``module`` imports anywhere in its file."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    is_package = path.name == "__init__.py"
    found = set()

    def add(name: str):
        while name and name not in known:  # "app.x.y.attr" -> the module that defines it
            name = name.rpartition(".")[0]
        if name and name != module:
            found.add(name)

    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                add(alias.name)
        elif isinstance(node, ast.ImportFrom):
            target = _absolute(module, is_package, node.level, node.module)
            for alias in node.names:
                sub = f"{target}.{alias.name}" if target else alias.name
                add(sub if sub in known else target)  # ``from . import x``: the module x if there is one
    return found


def import_graph(root: Path = APP) -> dict[str, set[str]]:
    names = module_names(root)
    known = set(names)
    return {m: imports_of(m, p, known) for m, p in names.items()}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One loop per strongly connected group of modules (Tarjan), each as ``[a, b, ..., a]``."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def connect(v):  # iterative, to stay clear of the recursion limit
        work = [(v, iter(sorted(graph.get(v, ()))))]
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        while work:
            node, edges = work[-1]
            for w in edges:
                if w not in index:
                    index[w] = low[w] = len(index)
                    stack.append(w)
                    on_stack.add(w)
                    work.append((w, iter(sorted(graph.get(w, ())))))
                    break
                if w in on_stack:
                    low[node] = min(low[node], index[w])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    group = []
                    while True:
                        w = stack.pop()
                        on_stack.discard(w)
                        group.append(w)
                        if w == node:
                            break
                    if len(group) > 1:
                        groups.append(sorted(group))

    for v in sorted(graph):
        if v not in index:
            connect(v)
    return [_loop(graph, group) for group in sorted(groups)]


def _loop(graph, group: list[str]) -> list[str]:
    """A shortest path from the group's first module back to itself, inside the group (breadth first)."""
    start, inside = group[0], set(group)
    came = {start: None}
    queue = [start]
    for node in queue:
        for w in sorted(graph[node] & inside):
            if w == start:
                path = [node]
                while came[path[-1]] is not None:
                    path.append(came[path[-1]])
                return [start, *reversed(path[:-1]), start] if len(path) > 1 else [start, node, start]
            if w not in came:
                came[w] = node
                queue.append(w)
    raise AssertionError(group)


# Loops known and waiting for their fix: none.
WAITING: list[set[str]] = []


def groups(graph) -> list[set[str]]:
    """The modules of each loop: every module that reaches the loop's first module and is reached by it."""
    def reach(start):
        seen, todo = {start}, [start]
        while todo:
            for w in graph[todo.pop()] - seen:
                seen.add(w)
                todo.append(w)
        return seen

    out = []
    for loop in cycles(graph):
        ahead = reach(loop[0])
        out.append({m for m in ahead if loop[0] in reach(m)})
    return out


def test_the_application_has_no_import_cycle():
    graph = import_graph()
    found = [(loop, group) for loop, group in zip(cycles(graph), groups(graph))
             if not any(group <= waiting for waiting in WAITING)]
    assert not found, "import cycles:\n" + "\n".join(
        f"{' -> '.join(loop)}  (modules in this loop: {', '.join(sorted(group))})" for loop, group in found)


def test_the_graph_sees_every_kind_of_import(tmp_path):
    """The checker itself: a cycle made of each kind of import is found, and one made of none is not."""
    pkg = tmp_path / "app"
    (pkg / "web").mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "web" / "__init__.py").write_text("")
    (pkg / "web" / "a.py").write_text("from . import b\n")                      # from . import module
    (pkg / "web" / "b.py").write_text("def f():\n    from .c import thing\n")   # relative, inside a function
    (pkg / "web" / "c.py").write_text("import app.lone\nfrom ..web.a import x\n")  # absolute; two levels up
    (pkg / "lone.py").write_text("import os\nfrom app import web\n")
    graph = import_graph(pkg)
    assert graph["app.web.a"] == {"app.web.b"} and graph["app.web.b"] == {"app.web.c"}
    assert graph["app.web.c"] == {"app.lone", "app.web.a"} and graph["app.lone"] == {"app.web"}
    assert cycles(graph) == [["app.web.a", "app.web.b", "app.web.c", "app.web.a"]]
    (pkg / "web" / "c.py").write_text("import app.lone\n")
    assert cycles(import_graph(pkg)) == []
