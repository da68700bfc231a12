"""The code runs on Windows and macOS laptops too: no POSIX-only call, safe file names, UTF-8 text files,
and every third-party module the app imports is a declared, wheel-installable dependency."""
from __future__ import annotations

import ast
import re
import sys
from importlib.metadata import packages_distributions
from pathlib import Path, PureWindowsPath

import pytest

ROOT = Path(__file__).resolve().parents[2]
CODE = sorted([*(ROOT / "app").rglob("*.py"), *(ROOT / "atelier").rglob("*.py"), ROOT / "run.py"])
POSIX_ONLY_ATTRS = {("os", "fork"), ("os", "forkpty"), ("os", "setsid"), ("os", "getuid"), ("os", "geteuid"),
                    ("os", "killpg"), ("signal", "SIGKILL"), ("signal", "SIGHUP"), ("signal", "SIGUSR1"),
                    ("signal", "SIGUSR2"), ("signal", "SIGALRM"), ("signal", "alarm")}
POSIX_ONLY_MODULES = {"fcntl", "resource", "pwd", "grp", "termios", "pty"}


def _guarded(test: ast.AST) -> bool:
    """An ``if`` that tests the platform (``sys.platform``, ``os.name``, ``hasattr(os, "fork")``…)."""
    text = ast.unparse(test)
    return bool(re.search(r"sys\.platform|os\.name|platform\.system|hasattr\(", text))


def _violations(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out = []

    def visit(node, guarded):
        if isinstance(node, ast.If) and _guarded(node.test):
            guarded = True
        if isinstance(node, ast.Try) and any(
                isinstance(h.type, ast.Name) and h.type.id in ("ImportError", "ModuleNotFoundError", "AttributeError")
                for h in node.handlers):
            guarded = True
        if not guarded:
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) \
                    and (node.value.id, node.attr) in POSIX_ONLY_ATTRS:
                out.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.value.id}.{node.attr}")
            if isinstance(node, ast.Import):
                out.extend(f"{path.relative_to(ROOT)}:{node.lineno} import {a.name}" for a in node.names
                           if a.name.split(".")[0] in POSIX_ONLY_MODULES)
            if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] in POSIX_ONLY_MODULES \
                    and not node.level:
                out.append(f"{path.relative_to(ROOT)}:{node.lineno} from {node.module}")
        for child in ast.iter_child_nodes(node):
            visit(child, guarded)

    visit(tree, False)
    return out


def test_no_posix_only_call_outside_platform_guards():
    found = [v for p in CODE for v in _violations(p)]
    assert not found, "POSIX-only calls (guard them with sys.platform / os.name):\n" + "\n".join(found)


def test_the_checker_catches_what_it_must(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("import os, signal\nimport fcntl\nos.fork()\nos.kill(1, signal.SIGKILL)\n"
                   "if sys.platform != 'win32':\n    signal.SIGHUP\n", encoding="utf-8")
    found = [v.split(" ", 1)[1] for v in _violations_any(bad)]
    assert found == ["import fcntl", "os.fork", "signal.SIGKILL"]


def _violations_any(path):
    global ROOT
    saved, ROOT = ROOT, path.parent
    try:
        return _violations(path)
    finally:
        ROOT = saved


def _text_io_without_encoding(path: Path) -> list[str]:
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call):
            continue
        kws = {k.arg for k in node.keywords}
        fn = node.func
        name = fn.id if isinstance(fn, ast.Name) else fn.attr if isinstance(fn, ast.Attribute) else None
        if name in ("read_text", "write_text") and "encoding" not in kws:
            out.append(f"{path.relative_to(ROOT)}:{node.lineno} {name}()")
        if name == "open" and isinstance(fn, ast.Name):
            mode = "r"
            if len(node.args) > 1 and isinstance(node.args[1], ast.Constant):
                mode = node.args[1].value
            for k in node.keywords:
                if k.arg == "mode" and isinstance(k.value, ast.Constant):
                    mode = k.value.value
            if "b" not in str(mode) and "encoding" not in kws:
                out.append(f"{path.relative_to(ROOT)}:{node.lineno} open(…, {mode!r})")
    return out


def test_text_files_are_read_and_written_as_utf8_explicitly():
    """Windows' default encoding is cp1252: a French accent read without ``encoding=`` comes back garbled."""
    found = [v for p in CODE for v in _text_io_without_encoding(p)]
    assert not found, "\n".join(found)


WINDOWS_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))}


def windows_safe(name: str) -> bool:
    stem = name.split(".")[0].upper()
    return (PureWindowsPath(name).name == name and not re.search(r'[<>:"/\\|?*\x00-\x1f]', name)
            and not name.endswith((".", " ")) and stem not in WINDOWS_RESERVED and 0 < len(name) <= 200)


HOSTILE_NAMES = ["CON", "nul", "Atelier : « Pays d’Ancenis » / 2026", "a\\b:c*d?e\"f<g>h|i", "……", "?!", "COM1.",
                 "Très très long nom d’atelier " * 12]


def test_windows_check_itself():
    assert windows_safe("atelier-livret.pdf")
    assert not any(windows_safe(n) for n in ("con.pdf", "a:b.pdf", "x.", "a/b.pdf", ""))


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_every_export_file_name_is_safe_on_windows(name, tmp_path):
    from app import exports
    from app.exports import pdf_reports
    from app.registry import Registry

    from app.services import workshops

    reg = Registry(tmp_path)
    workshops.create(reg, {"name": (name.strip() or "x")[:100], "password": "motdepasse", "date": "2026-03-12"})
    ws = reg.all()[-1]
    for fmt in exports.FORMATS:
        for lang in ("fr", "en"):
            fname = exports.filename(ws, fmt, lang)
            assert windows_safe(fname), (fmt, fname)
    for org_name in HOSTILE_NAMES:
        assert windows_safe(pdf_reports.report_filename(None, {"name": org_name}, 3))
    reg.close()


def test_backup_file_names_are_safe_on_windows(tmp_path):
    from datetime import datetime, timezone

    from app import backup

    name = datetime.now(timezone.utc).strftime(backup.STAMP) + backup.SUFFIX
    assert windows_safe(name)
    before = f"0f1e2d3c.sqlite.before-restore-{datetime.now(timezone.utc).strftime('%Y%m%d-%H%M%S')}"
    assert windows_safe(before)


def _third_party_imports() -> set[str]:
    stdlib = set(sys.stdlib_module_names)
    names = set()
    for p in CODE:
        for node in ast.walk(ast.parse(p.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names |= {a.name.split(".")[0] for a in node.names}
            elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
                names.add(node.module.split(".")[0])
    return {n for n in names if n not in stdlib and n not in ("app", "atelier", "__future__")}


def test_every_imported_library_is_a_declared_runtime_dependency():
    """The wheel installs requirements-app.txt only: a library the app imports but does not declare would be
    missing on the organiser's laptop."""
    declared = set()
    for line in (ROOT / "requirements-app.txt").read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            declared.add(re.split(r"[=<>!~\[; ]", line, 1)[0].lower().replace("_", "-"))
    dists = packages_distributions()
    missing = {}
    for mod in _third_party_imports():
        provided = {d.lower().replace("_", "-") for d in dists.get(mod, [mod])}
        if not provided & declared:
            missing[mod] = sorted(provided)
    assert not missing, f"imported by the app but not in requirements-app.txt: {missing}"
