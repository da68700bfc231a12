"""Build the installable wheel: ``python scripts/build_wheel.py [--out dist]``.

The wheel holds everything the venue laptop needs and nothing it must build:
``atelier/`` (the launcher), ``atelier/app/`` (this repository's ``app/``),
``atelier/templates/`` and ``atelier/static/``, and the front-end libraries
the app serves, copied from ``node_modules/`` as installed by ``npm ci`` from
``package-lock.json`` (run ``bash scripts/setup.sh`` first). Nothing
third-party is committed: the copy happens here, at build time.
Prints the wheel's path as its last line.
"""
from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
IGNORE = shutil.ignore_patterns("__pycache__", "*.pyc", "*.pyo", ".DS_Store")


def vendor_files() -> dict[str, Path]:
    """The front-end files the app serves (app/web/vendor.py ALLOWED), as installed under node_modules."""
    sys.path.insert(0, str(ROOT))
    from app.web.vendor import ALLOWED

    out = {}
    for name, folder in ALLOWED.items():
        src = ROOT / "node_modules" / folder / name
        if not src.is_file():
            raise SystemExit(f"{src} is missing: run `npm ci` (bash scripts/setup.sh) before building the wheel")
        out[f"{folder}/{name}"] = src
        package_dir = ROOT / "node_modules" / folder.split("/")[0]
        if folder.startswith("@"):
            package_dir = ROOT / "node_modules" / "/".join(folder.split("/")[:2])
        for lic in ("LICENSE", "LICENSE.md", "LICENSE.txt", "package.json"):
            if (package_dir / lic).is_file():
                out[f"{package_dir.relative_to(ROOT / 'node_modules')}/{lic}"] = package_dir / lic
    return out


def git_commit() -> str:
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                              text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""


def stage(dest: Path) -> Path:
    pkg = dest / "atelier"
    shutil.copytree(ROOT / "atelier", pkg, ignore=IGNORE)
    shutil.copytree(ROOT / "app", pkg / "app", ignore=IGNORE)
    shutil.copytree(ROOT / "templates", pkg / "templates", ignore=IGNORE)
    shutil.copytree(ROOT / "static", pkg / "static", ignore=IGNORE)
    for rel, src in vendor_files().items():
        target = pkg / "node_modules" / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(src, target)
    (pkg / "BUILD_INFO.json").write_text(json.dumps({
        "commit": git_commit(), "built_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
    }), encoding="utf-8")
    for name in ("pyproject.toml", "README.md", "requirements-app.txt"):
        shutil.copy2(ROOT / name, dest / name)
    return dest


def build(out: Path) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="atelier-build-") as tmp:
        src = stage(Path(tmp) / "src")
        # pip builds in an isolated environment with the pinned setuptools from the registry.
        subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--disable-pip-version-check", "-q",
                        "-w", str(out), str(src)], check=True)
    wheels = sorted(out.glob("atelier_synergies-*.whl"), key=lambda p: p.stat().st_mtime)
    if not wheels:
        raise SystemExit("no wheel was built")
    return wheels[-1]


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--out", default=str(ROOT / "dist"), help="folder for the wheel (default: dist/)")
    args = p.parse_args(argv)
    print(build(Path(args.out)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
