"""The offline kit walks each target system's own dependencies (pip download --platform does not)."""
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))

import offline_kit  # noqa: E402

GEVENT = """Metadata-Version: 2.1
Name: gevent
Version: 26.9.0
Requires-Dist: greenlet>=3.2.2; platform_python_implementation == "CPython"
Requires-Dist: cffi>=2.1.1; platform_python_implementation == "CPython" and sys_platform == "win32"
Requires-Dist: zope.event
Requires-Dist: pytest; extra == "test"
"""
WAKEPY = """Metadata-Version: 2.1
Name: wakepy
Version: 1.0.0
Requires-Dist: jeepney>=0.7.1; platform_system == "Linux" or platform_system == "FreeBSD"
Requires-Dist: typing-extensions; python_version < "3.10.0"
"""


def test_windows_gets_cffi_and_linux_gets_jeepney_whatever_machine_builds_the_kit():
    win = offline_kit.target_env("windows", "3.12")
    linux = offline_kit.target_env("linux", "3.12")
    mac = offline_kit.target_env("macos-arm", "3.11")
    assert "cffi>=2.1.1" in offline_kit.requires_for(GEVENT, win)
    assert "cffi>=2.1.1" not in offline_kit.requires_for(GEVENT, linux)
    assert "jeepney>=0.7.1" in offline_kit.requires_for(WAKEPY, linux)
    assert offline_kit.requires_for(WAKEPY, win) == [] == offline_kit.requires_for(WAKEPY, mac)
    assert not any(r.startswith("pytest") for r in offline_kit.requires_for(GEVENT, win)), "no extras"


def test_the_kit_starts_from_the_apps_runtime_requirements_only():
    roots = offline_kit.runtime_requirements()
    names = {r.split("==")[0].lower() for r in roots}
    assert {"flask", "gevent", "wakepy", "platformdirs"} <= names
    assert not names & {"pytest", "playwright", "schemathesis"}
    assert all("==" in r for r in roots), "every runtime dependency is pinned"


def test_root_pins_follow_the_targets_markers_not_this_machines():
    roots = ['gevent==26.9.0; sys_platform != "darwin"', 'gevent==25.5.1; sys_platform == "darwin"', "Flask==3.1.3"]
    assert offline_kit.for_target(roots, offline_kit.target_env("macos-arm", "3.12")) == ["gevent==25.5.1", "Flask==3.1.3"]
    assert offline_kit.for_target(roots, offline_kit.target_env("windows", "3.12")) == ["gevent==26.9.0", "Flask==3.1.3"]
