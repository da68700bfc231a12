"""The organiser's install: the wheel into a fresh virtual environment, from the offline kit, with no index.

``.ci/run`` builds the kit first (``scripts/offline_kit.py --systems current``)
and passes it as ``ATELIER_KIT``; run alone, this test builds it (which needs
the package registry once, then pip's cache). The install itself uses
``--no-index --find-links``: nothing but the kit's folder is reachable, as on
a venue laptop with no internet.
"""
from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from tests.live import free_port

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def kit(tmp_path_factory) -> Path:
    given = os.environ.get("ATELIER_KIT")
    if given:
        return Path(given)
    out = tmp_path_factory.mktemp("kit")
    subprocess.run([sys.executable, "scripts/offline_kit.py", "--out", str(out), "--systems", "current"],
                   cwd=ROOT, check=True, capture_output=True, timeout=600)
    return out


@pytest.fixture(scope="module")
def venv(kit, tmp_path_factory) -> Path:
    env_dir = tmp_path_factory.mktemp("venv") / "atelier-env"
    subprocess.run([sys.executable, "-m", "venv", str(env_dir)], check=True, timeout=600)
    bindir = env_dir / ("Scripts" if os.name == "nt" else "bin")
    r = subprocess.run([str(bindir / "python"), "-m", "pip", "install", "-q", "--disable-pip-version-check",
                        "--no-index", "--find-links", str(kit), "atelier-synergies"],
                       capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stdout + r.stderr
    return bindir


def _clean_env(home: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "ATELIER_", "VIRTUAL_ENV"))}
    env.update({"HOME": str(home), "XDG_DATA_HOME": str(home / ".local" / "share"), "ATELIER_QUIET": "1",
                "PYTHONUNBUFFERED": "1", "WAKEPY_FAKE_SUCCESS": "1"})
    return env


def test_installed_command_helps_in_french(venv, tmp_path):
    out = subprocess.run([str(venv / "atelier"), "--help"], capture_output=True, text=True, cwd=tmp_path,
                         env=_clean_env(tmp_path), timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("usage: atelier")
    for cmd in ("serve", "demo", "export", "import", "backup", "restore"):
        assert cmd in out.stdout
    mod = subprocess.run([str(venv / "python"), "-m", "atelier", "export", "--help"], capture_output=True,
                         text=True, cwd=tmp_path, env=_clean_env(tmp_path), timeout=120)
    assert mod.returncode == 0 and "--format" in mod.stdout


def test_installed_server_starts_elsewhere_and_serves_its_own_front_end(venv, tmp_path):
    """Started from another folder, with no --data-dir: data in the user's data folder, pages and the
    vendored JavaScript served from inside the installed package."""
    home = tmp_path / "home"
    home.mkdir()
    elsewhere = tmp_path / "somewhere-else"
    elsewhere.mkdir()
    port = free_port()
    log = open(tmp_path / "server.log", "wb")
    proc = subprocess.Popen([str(venv / "atelier"), "--host", "127.0.0.1", "--port", str(port)], cwd=elsewhere,
                            env=_clean_env(home), stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        end = time.time() + 90
        while time.time() < end:
            assert proc.poll() is None, (tmp_path / "server.log").read_text()
            try:
                if requests.get(base + "/favicon.ico", timeout=1).status_code == 204:
                    break
            except requests.RequestException:
                time.sleep(0.2)
        s = requests.Session()
        r = s.post(base + "/api/workshops", json={"name": "Atelier installé", "password": "motdepasse",
                                                  "date": "2026-11-26"}, timeout=10)
        assert r.status_code in (200, 201), r.text
        code = r.json()["code"]
        page = requests.get(f"{base}/j/{code}", timeout=10)
        assert page.status_code == 200 and "Atelier installé" in page.text
        js = requests.get(base + "/vendor/socket.io.esm.min.js", timeout=10)
        assert js.status_code == 200 and len(js.content) > 10_000
        css = requests.get(base + "/static/css/app.css", timeout=10)
        assert css.status_code == 200
        files = list((home / ".local" / "share" / "atelier-synergies" / "sessions").glob("*.sqlite"))
        assert len(files) == 1, "the workshop file goes to the user's data folder"
        assert not list(elsewhere.iterdir()), "nothing written in the folder it was started from"
    finally:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()
    out = (tmp_path / "server.log").read_text(encoding="utf-8")
    assert "Le serveur n’écoute que sur cet ordinateur" in out
    assert "pour les téléphones" not in out
