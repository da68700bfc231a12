"""The offline install kit: the app's wheel and every dependency's wheel, for Windows, macOS and Linux.

On a machine with internet, from the repository (after ``bash scripts/setup.sh``)::

    python scripts/offline_kit.py --out kit                 # the three systems, Python 3.11 to 3.13
    python scripts/offline_kit.py --out kit --systems current

Copy ``kit/`` to a USB stick; on the venue laptop, with no network::

    py -m venv atelier-env  &&  atelier-env\\Scripts\\pip install --no-index --find-links kit atelier-synergies
    python3 -m venv atelier-env && atelier-env/bin/pip install --no-index --find-links kit atelier-synergies

Only binary wheels are taken (``--only-binary=:all:``), so the laptop never
needs a compiler. ``pip download --platform`` evaluates environment markers
for the machine it runs on, not for the target (pip issue #5453), so for the
other systems the dependency closure is walked here, reading each wheel's
metadata and evaluating its markers for the target.
"""
from __future__ import annotations

import argparse
import email.parser
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent

# pip expands these to every older compatible tag (macOS 10.9+, manylinux2014, …).
SYSTEMS = {
    "windows": {"platforms": ["win_amd64"], "env": {"sys_platform": "win32", "platform_system": "Windows",
                                                     "os_name": "nt", "platform_machine": "AMD64"}},
    "macos-arm": {"platforms": ["macosx_14_0_arm64", "macosx_11_0_universal2"],
                  "env": {"sys_platform": "darwin", "platform_system": "Darwin", "os_name": "posix",
                          "platform_machine": "arm64"}},
    "macos-intel": {"platforms": ["macosx_12_0_x86_64", "macosx_10_9_universal2"],
                    "env": {"sys_platform": "darwin", "platform_system": "Darwin", "os_name": "posix",
                            "platform_machine": "x86_64"}},
    "linux": {"platforms": ["manylinux_2_28_x86_64", "manylinux2014_x86_64"],
              "env": {"sys_platform": "linux", "platform_system": "Linux", "os_name": "posix",
                      "platform_machine": "x86_64"}},
}
PYTHONS = ["3.11", "3.12", "3.13"]


def target_env(system: str, python: str) -> dict:
    env = dict(SYSTEMS[system]["env"])
    env.update({"python_version": python, "python_full_version": python + ".0", "implementation_name": "cpython",
                "platform_python_implementation": "CPython", "extra": ""})
    return env


def runtime_requirements(path: Path = ROOT / "requirements-app.txt") -> list[str]:
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line and not line.startswith("-"):
            out.append(line)
    return out


def requires_for(metadata_text: str, env: dict) -> list[str]:
    """The ``Requires-Dist`` of one wheel's METADATA that apply to the target environment (no extras)."""
    msg = email.parser.Parser().parsestr(metadata_text, headersonly=True)
    return for_target(msg.get_all("Requires-Dist") or [], env)


def wheel_metadata(whl: Path) -> tuple[str, str]:
    """(canonical project name, METADATA text) of a wheel file."""
    with zipfile.ZipFile(whl) as z:
        name = next(n for n in z.namelist() if n.endswith(".dist-info/METADATA"))
        text = z.read(name).decode("utf-8")
    msg = email.parser.Parser().parsestr(text, headersonly=True)
    return canonicalize_name(msg["Name"]), text


def _pip_download(reqs: list[str], dest: Path, platforms=(), python=None, no_deps=False) -> None:
    cmd = [sys.executable, "-m", "pip", "download", "-q", "--disable-pip-version-check", "--only-binary=:all:",
           "-d", str(dest)]
    if platforms:
        for p in platforms:
            cmd += ["--platform", p]
        cmd += ["--python-version", python, "--implementation", "cp"]
    if no_deps:
        cmd.append("--no-deps")
    subprocess.run(cmd + reqs, check=True)


def for_target(requirements: list[str], env: dict) -> list[str]:
    """The requirements whose markers hold on the target, markers removed (pip would judge them on this
    machine instead)."""
    out = []
    for raw in requirements:
        req = Requirement(raw)
        if req.marker is None or req.marker.evaluate(env):
            out.append(str(Requirement(f"{req.name}{req.specifier}")))
    return out


def download_for(system: str, python: str, kit: Path, roots: list[str]) -> int:
    """Walk the closure of ``roots`` for one target, downloading binary wheels into ``kit``."""
    env = target_env(system, python)
    seen: set[str] = set()
    queue = for_target(roots, env)
    count = 0
    while queue:
        batch = [r for r in queue if canonicalize_name(Requirement(r).name) not in seen]
        queue = []
        if not batch:
            break
        seen.update(canonicalize_name(Requirement(r).name) for r in batch)
        with tempfile.TemporaryDirectory() as tmp:
            _pip_download(batch, Path(tmp), SYSTEMS[system]["platforms"], python, no_deps=True)
            for whl in Path(tmp).glob("*.whl"):
                _, text = wheel_metadata(whl)
                queue += requires_for(text, env)
                if not (kit / whl.name).exists():
                    shutil.copy2(whl, kit / whl.name)
                    count += 1
    return count


def build_kit(out: Path, systems: list[str], pythons: list[str]) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    sys.path.insert(0, str(ROOT / "scripts"))
    from build_wheel import build

    wheel = build(out)
    roots = runtime_requirements()
    if systems == ["current"]:
        # This machine's own markers are the right ones: pip resolves the closure itself.
        _pip_download(roots, out)
    else:
        for system in systems:
            for py in pythons:
                n = download_for(system, py, out, roots)
                print(f"  {system} / Python {py}: {n} new wheel(s)", flush=True)
    (out / "LISEZMOI.txt").write_text(KIT_README.format(wheel=wheel.name), encoding="utf-8")
    return wheel


KIT_README = """Atelier synergies — kit d'installation hors ligne

Ce dossier contient l'application ({wheel}) et tout ce dont elle a besoin.
Sur l'ordinateur de l'atelier, sans internet, dans un terminal ouvert dans ce dossier :

Windows (PowerShell) :
    py -m venv $HOME\\atelier-env
    $HOME\\atelier-env\\Scripts\\pip install --no-index --find-links . atelier-synergies
    $HOME\\atelier-env\\Scripts\\atelier

macOS / Linux :
    python3 -m venv ~/atelier-env
    ~/atelier-env/bin/pip install --no-index --find-links . atelier-synergies
    ~/atelier-env/bin/atelier
"""


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description="Download the app's wheel and all its dependencies for offline install.")
    p.add_argument("--out", default=str(ROOT / "kit"), help="folder of the kit (default: kit/)")
    p.add_argument("--systems", default="windows,macos-arm,macos-intel,linux",
                   help="comma-separated: windows, macos-arm, macos-intel, linux, or 'current' (this machine only)")
    p.add_argument("--python", default=",".join(PYTHONS), help="Python versions of the target laptops")
    args = p.parse_args(argv)
    systems = [s.strip() for s in args.systems.split(",") if s.strip()]
    bad = [s for s in systems if s != "current" and s not in SYSTEMS]
    if bad:
        p.error(f"unknown system(s): {', '.join(bad)}")
    wheel = build_kit(Path(args.out), systems, [v.strip() for v in args.python.split(",") if v.strip()])
    print(f"kit ready in {args.out} ({len(list(Path(args.out).glob('*.whl')))} wheels, app: {wheel.name})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
