"""Export speed: every format of the demo workshop, median of several runs.

    python -m tests.benchmarks.exports [--scale K] [--runs N] [--formats pdf,xlsx,…]

Builds the demo workshop (``app.demo``, the real event's scale times K) in a
temporary folder, then times ``app.exports.export`` end to end (reading the
workshop included) for each format. Prints one line per format and, last,
one JSON object with the figures. Budget (issue 5): the book PDF in under
1 s at scale 1 and under 10 s at scale 10.
"""
from __future__ import annotations

import argparse
import io
import json
import os
import platform
import statistics
import sys
import tempfile
import time
import zipfile

BUDGET = {1: 1.0, 10: 10.0}
ALL = ["pdf", "pdf-public", "org-reports", "letter", "posters", "xlsx", "csv", "json"]


def build_demo(data_dir, scale):
    from app.registry import Registry

    try:
        from app.demo import build
    except ImportError:
        build = None
    if build is not None:
        out = build(str(data_dir), scale=scale)
        reg = Registry(data_dir)
        return reg, reg.get(out["workshop"])
    from tests.exports.factory import build_workshop

    reg = Registry(data_dir)
    return reg, build_workshop(reg, scale=scale)


def pages_of(fmt, data) -> int | None:
    from app.exports.pdf_common import page_count

    if data[:4] == b"%PDF":
        return page_count(data)
    if fmt == "org-reports":
        z = zipfile.ZipFile(io.BytesIO(data))
        return sum(page_count(z.read(n)) for n in z.namelist())
    return None


def run_one(ws, fmt):
    from app.exports import export

    kwargs = {"base_url": "http://192.168.1.20:5000"}
    if fmt == "pdf-public":
        fmt, kwargs["edition"] = "pdf", "public"
    t0 = time.perf_counter()
    c0 = time.process_time()
    out = export(ws, fmt, **kwargs)
    return time.perf_counter() - t0, time.process_time() - c0, out.data


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python -m tests.benchmarks.exports", description=__doc__.split("\n\n")[0])
    p.add_argument("--scale", type=int, default=1, help="demo workshop K times the real event (default 1)")
    p.add_argument("--runs", type=int, default=None, help="runs per format (default 5, 3 from scale 5)")
    p.add_argument("--formats", default=",".join(ALL), help="comma-separated subset of " + ",".join(ALL))
    args = p.parse_args(argv)
    runs = args.runs or (5 if args.scale < 5 else 3)
    formats = [f for f in args.formats.split(",") if f]
    for f in formats:
        if f not in ALL:
            p.error(f"unknown format {f}")

    with tempfile.TemporaryDirectory(prefix="bench-exports-") as tmp:
        t0 = time.perf_counter()
        reg, ws = build_demo(os.path.join(tmp, "sessions"), args.scale)
        built = time.perf_counter() - t0
        try:
            st = ws.store
            counts = {t: st.scalar(f"SELECT COUNT(*) FROM {t}") for t in ("organisations", "sheets", "ideas",
                                                                           "events")}
            counts["b2b"] = st.scalar("SELECT COUNT(*) FROM ideas WHERE b2b = 1")
            print(f"demo workshop ×{args.scale}: {counts['organisations']} organisations, {counts['sheets']} sheets, "
                  f"{counts['ideas']} ideas, {counts['b2b']} B2B, {counts['events']} journal events "
                  f"(built in {built:.1f} s)")
            print(f"python {platform.python_version()}, {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}; "
                  f"median of {runs} runs")
            results = {}
            for fmt in formats:
                run_one(ws, fmt)  # warm-up (imports, font loading)
                walls, cpus, size, pages = [], [], 0, None
                for _ in range(runs):
                    wall, cpu, data = run_one(ws, fmt)
                    walls.append(wall)
                    cpus.append(cpu)
                    size = len(data)
                    pages = pages_of(fmt, data)
                results[fmt] = {"median_s": round(statistics.median(walls), 3), "min_s": round(min(walls), 3),
                                "cpu_median_s": round(statistics.median(cpus), 3), "bytes": size, "pages": pages}
                r = results[fmt]
                print(f"  {fmt:<12} {r['median_s']:7.3f} s median (min {r['min_s']:.3f}, cpu {r['cpu_median_s']:.3f})"
                      f"  {size / 1024:8.0f} KiB" + (f"  {pages} pages" if pages else ""), flush=True)
        finally:
            reg.close()
    budget = BUDGET.get(args.scale, args.scale * 1.0)
    book = results.get("pdf", {}).get("median_s")
    verdict = None if book is None else book < budget
    if book is not None:
        print(f"book PDF: {book:.3f} s for a budget of {budget:.0f} s -> {'OK' if verdict else 'OVER BUDGET'}")
    print(json.dumps({"benchmark": "exports", "scale": args.scale, "runs": runs, "counts": counts,
                      "build_s": round(built, 2), "formats": results, "book_budget_s": budget,
                      "book_within_budget": verdict}, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
