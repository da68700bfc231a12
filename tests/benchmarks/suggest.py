"""Suggested synergies: quality on an evaluation set, and speed on the demo workshop.

    python -m tests.benchmarks.suggest --set tests/benchmarks/suggest_sets/tidy.json
    python -m tests.benchmarks.suggest --set FILE.json --no-demo      # quality only

Prints recall@1/3/5 and MRR over the needs that have a true offer, the true pairs
missed (not in the top 3), the pairs that share no word and how they fared, then
the timings: every suggestion of the demo workshop and of its 10x, and one new
sheet's incremental update (p95). Last line: one JSON object.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import re
import statistics
import sys
import tempfile
import time

from app.matching import kb as kbmod, text
from app.matching.engine import Engine


def load_set(path) -> tuple[list[dict], dict, list[tuple[str, str]], dict]:
    """An evaluation set -> (sheets, orgs by key, true pairs, sheets by key), in the app's shapes."""
    with open(path, encoding="utf-8") as fh:
        data = json.load(fh)
    orgs = {o["key"]: {"id": o["key"], "name": o.get("name"), "kind": o.get("kind"), "commune": o.get("commune"),
                       "zone": o.get("zone")} for o in data.get("organisations", [])}
    sheets = []
    for s in data["sheets"]:
        sheets.append({"id": s["key"], "organisation_id": s.get("org"), "kind": s["kind"],
                       "category": s.get("category"), "subcategory": s.get("subcategory"),
                       "title": s.get("title") or "", "description": s.get("description") or "",
                       "quantity": s.get("quantity"), "unit": s.get("unit"), "frequency": s.get("frequency"),
                       "waste_code": s.get("waste_code"), "terms": s.get("terms"),
                       "available_from": s.get("available_from"), "available_until": s.get("available_until"),
                       "state": "open"})
    pairs = [(p["offer"], p["need"]) for p in data.get("true_pairs", [])]
    return sheets, orgs, pairs, {s["id"]: s for s in sheets}


def shares_word(a: dict, b: dict) -> bool:
    stop = text.stop_words()

    def words(s):
        return {w for w in text.tokens(f"{s['title']} {s['description']}") if w not in stop and not w.isdigit()}

    return bool(words(a) & words(b))


def evaluate(path, kb=None) -> dict:
    sheets, orgs, pairs, by_key = load_set(path)
    eng = Engine(kb)
    t0 = time.perf_counter()
    eng.full(sheets, orgs)
    ms = (time.perf_counter() - t0) * 1000
    truth: dict[str, set[str]] = {}
    for o, n in pairs:
        truth.setdefault(n, set()).add(o)
    r1 = r3 = r5 = rr = 0.0
    missed, ranks = [], {}
    for need, offers in truth.items():
        order = [oid for _, oid in eng.ranked(need)] if need in eng.profiles else []
        pos = {oid: i + 1 for i, oid in enumerate(order)}
        for o in offers:
            ranks[(o, need)] = pos.get(o)
        hits = lambda k: sum(1 for o in offers if pos.get(o, 1e9) <= k) / min(k, len(offers))
        r1, r3, r5 = r1 + hits(1), r3 + hits(3), r5 + hits(5)
        first = min((pos.get(o, 1e9) for o in offers), default=1e9)
        rr += 1.0 / first if first < 1e9 else 0.0
        for o in sorted(offers):
            if pos.get(o, 1e9) > 3:
                missed.append({"offer": o, "need": need, "rank": pos.get(o),
                               "offer_title": by_key[o]["title"], "need_title": by_key[need]["title"]})
    n = len(truth) or 1
    no_word = [(o, nd) for o, nd in pairs if not shares_word(by_key[o], by_key[nd])]
    nw_top3 = sum(1 for p in no_word if (ranks.get(p) or 1e9) <= 3)
    return {"recall_at_1": round(r1 / n, 3), "recall_at_3": round(r3 / n, 3), "recall_at_5": round(r5 / n, 3),
            "mrr": round(rr / n, 3), "missed": missed, "needs": len(truth), "pairs": len(pairs),
            "no_word_pairs": len(no_word), "no_word_top3": nw_top3, "ms_set": round(ms, 1), "engine": eng}


def demo_sheets(scale: int):
    """The demo workshop's sheets and organisations, built through the services in a temp dir."""
    from app import demo
    from app.registry import Registry

    tmp = tempfile.mkdtemp(prefix="suggest-bench-")
    info = demo.build(tmp, scale=scale)
    ws = Registry(tmp).get(info["workshop"])
    sheets = ws.store.all("sheet")
    orgs = {o["id"]: o for o in ws.store.all("organisation")}
    return sheets, orgs


def _cold(kb):
    """Forget what earlier rounds analysed: each round reads every sheet's text again."""
    from app.matching import score

    score._analyses(kb).clear()
    kb._stems.clear()
    score._qty.cache_clear()


def timings(sheets, orgs, kb, rounds: int = 3, incremental: int = 0):
    """(best wall ms of a full recompute from the sheets' text, its CPU ms, incremental p95 ms, pairs)."""
    eng = Engine(kb)
    full, cpu = [], []
    for _ in range(rounds):
        _cold(kb)
        t0, c0 = time.perf_counter(), time.process_time()
        eng.full(sheets, orgs)
        full.append((time.perf_counter() - t0) * 1000)
        cpu.append((time.process_time() - c0) * 1000)
    inc = []
    rng = random.Random(7)
    for i in range(incremental):
        base = dict(rng.choice(sheets))
        new = {**base, "id": f"bench-{i}", "title": base["title"] + " (bis)"}
        t0 = time.perf_counter()
        eng.upsert(new, orgs.get(new["organisation_id"]))
        inc.append((time.perf_counter() - t0) * 1000)
        eng.remove(new["id"])
    p95 = statistics.quantiles(inc, n=20)[18] if len(inc) >= 20 else (max(inc) if inc else None)
    return min(full), min(cpu), p95, len(eng.pairs())


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--set", required=True, help="evaluation set (JSON, the issue's format)")
    ap.add_argument("--no-demo", action="store_true", help="skip the demo timings")
    ap.add_argument("--scale", type=int, default=10, help="the larger demo's scale (default 10)")
    ap.add_argument("--incremental", type=int, default=200, help="new sheets timed one by one (default 200)")
    args = ap.parse_args(argv)

    t0 = time.perf_counter()
    kb = kbmod.default()
    from app.matching import geo

    geo.places()
    print(f"knowledge base: {len(kb.concepts)} concepts, {len(kb.terms)} terms; loaded with the communes in "
          f"{(time.perf_counter() - t0):.1f} s (once per process)")
    res = evaluate(args.set, kb)
    print(f"set {args.set}: {res['needs']} needs with a true offer, {res['pairs']} true pairs, "
          f"{res['no_word_pairs']} sharing no word")
    print(f"  recall@1 {res['recall_at_1']:.3f}  recall@3 {res['recall_at_3']:.3f}  "
          f"recall@5 {res['recall_at_5']:.3f}  MRR {res['mrr']:.3f}")
    print(f"  pairs sharing no word found in the top 3: {res['no_word_top3']}/{res['no_word_pairs']}")
    for m in res["missed"]:
        print(f"  missed: {m['offer']} «{m['offer_title']}» -> {m['need']} «{m['need_title']}» (rank {m['rank']})")
    ms_full = ms_full10 = ms_inc = cpu1 = cpu10 = None
    if not args.no_demo:
        load = os.getloadavg()[0]
        sheets, orgs = demo_sheets(1)
        ms_full, cpu1, ms_inc, n = timings(sheets, orgs, kb, incremental=args.incremental)
        print(f"demo: {len(sheets)} sheets, {n} suggestions, all computed in {ms_full:.0f} ms "
              f"({cpu1:.0f} ms of CPU); one new sheet p95 {ms_inc:.1f} ms")
        if args.scale > 1:
            sheets, orgs = demo_sheets(args.scale)
            ms_full10, cpu10, ms_inc10, n = timings(sheets, orgs, kb, rounds=3, incremental=args.incremental)
            print(f"demo x{args.scale}: {len(sheets)} sheets, {n} suggestions, all computed in {ms_full10:.0f} ms "
                  f"({cpu10:.0f} ms of CPU); one new sheet p95 {ms_inc10:.1f} ms")
            ms_inc = max(ms_inc, ms_inc10)
        print(f"machine load average when the timings started: {load:.1f} (2 cores)")
    out = {k: res[k] for k in ("recall_at_1", "recall_at_3", "recall_at_5", "mrr")}
    out["missed"] = [[m["offer"], m["need"]] for m in res["missed"]]
    out.update({"no_word_pairs": res["no_word_pairs"], "no_word_top3": res["no_word_top3"],
                "ms_full": round(ms_full, 1) if ms_full is not None else None,
                "ms_full_10x": round(ms_full10, 1) if ms_full10 is not None else None,
                "ms_full_cpu": round(cpu1, 1) if cpu1 is not None else None,
                "ms_full_10x_cpu": round(cpu10, 1) if cpu10 is not None else None,
                "ms_incremental_p95": round(ms_inc, 2) if ms_inc is not None else None})
    print(json.dumps(out, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
