"""B2B meeting planner: the demo workshop's meetings, a 10x workshop and "forum" instances.

    python -m tests.benchmarks.b2b [--time-limit S] [--no-solver] [--forums N] [--skip-demo]
    python -m tests.benchmarks.b2b --instance FILE.json [--out PLAN.json] [--time-limit S]

Per instance: meetings, lower bound (max over participants of ceil(meetings/people) and
ceil(meetings/places)), slots used, proven optimal or not, idle slots in total and the
worst participant's, the solver's best idle bound, solver time. Every plan is checked by
the independent validator of the tests. Last line: one JSON object with the figures.
Targets (issue 13): all placed when feasible, lower bound reached, demo <= 2 s, 10x <= 30 s,
idle within 10 % of the best the solver proves.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time

from app import b2b
from app.b2b import bridge
from tests.b2b import instances, validator


def demo_instance() -> dict:
    """The demo workshop's B2B-selected ideas as accepted meetings, the default set-up, one place per table."""
    from app.registry import Registry
    from app.demo import build

    with tempfile.TemporaryDirectory() as d:
        out = build(d, scale=1)
        reg = Registry(d)
        ws = reg.get(out["workshop"])
        ideas = ws.store.all("idea", "b2b = 1 AND COALESCE(hidden,0) = 0 AND merged_into IS NULL")
        tables = ws.store.scalar("SELECT COUNT(DISTINCT table_no) FROM organisations WHERE table_no IS NOT NULL")
        ws.store.close()
    meetings = [{"id": i["id"], "org_ids": i["org_ids"], "request_status": "accepted"} for i in ideas]
    return bridge.build_instance(None, bridge.places_or_default([], tables or 12), {}, meetings)


def run(name: str, data: dict, time_limit: float, use_solver: bool, budget: float | None = None) -> dict:
    inst = b2b.load(data)
    t0, c0 = time.perf_counter(), time.process_time()
    plan = b2b.plan(inst, time_limit=time_limit, use_solver=use_solver)
    seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    check = validator.check(data, plan)
    st = plan["stats"]
    gap = None
    if st["idle_bound"] is not None:
        gap = round((st["idle_total"] - st["idle_bound"]) / max(1, st["idle_bound"]), 3) if st["idle_bound"] else \
            (0.0 if st["idle_total"] == 0 else None)
    row = {"instance": name, "meetings": st["meetings"], "placed": check["placed"], "unplaced": len(plan["unplaced"]),
           "lower_bound": check["lower_bound"], "slots_used": check["slots_used"], "slots": data["slots"],
           "optimal": st["optimal"], "idle_total": check["idle_total"], "idle_worst": check["idle_worst"],
           "idle_bound": st["idle_bound"], "idle_optimal": st["idle_optimal"], "idle_gap": gap,
           "solver": st["solver"], "seconds": round(seconds, 2), "cpu_s": round(cpu, 2), "budget_s": budget,
           "within_budget": None if budget is None else seconds <= budget}
    print(f"{name:<12} meetings {row['meetings']:>4}  placed {row['placed']:>4}  lower bound {row['lower_bound']:>3}  "
          f"slots used {row['slots_used']:>3}/{row['slots']:<3} {'optimal' if row['optimal'] else 'not proven':<10}  "
          f"idle {row['idle_total']:>4} (worst {row['idle_worst']}, bound {row['idle_bound']})  "
          f"{row['solver']:<12} {row['seconds']:>6.2f} s (CPU {row['cpu_s']:.2f} s)"
          + (f" (budget {budget:.0f} s)" if budget else ""), flush=True)
    return row, plan


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m tests.benchmarks.b2b", description=__doc__.split("\n\n")[0])
    ap.add_argument("--instance", help="plan this JSON instance only")
    ap.add_argument("--out", help="with --instance: write the plan here")
    ap.add_argument("--time-limit", type=float, default=None, help="solver time limit per instance (s)")
    ap.add_argument("--no-solver", action="store_true", help="constructive plan only (as without OR-Tools)")
    ap.add_argument("--forums", type=int, default=4, help="how many forum instances to generate")
    ap.add_argument("--skip-demo", action="store_true", help="skip building the demo workshop")
    args = ap.parse_args(argv)
    solver = not args.no_solver
    rows = []
    print(f"OR-Tools CP-SAT available: {b2b.SOLVER_AVAILABLE}; cores: {os.cpu_count()}", flush=True)
    if args.instance:
        with open(args.instance, encoding="utf-8") as fh:
            data = json.load(fh)
        row, plan = run(os.path.basename(args.instance), data, args.time_limit or 30.0, solver)
        rows.append(row)
        if args.out:
            with open(args.out, "w", encoding="utf-8") as fh:
                json.dump({"meetings": plan["meetings"], "unplaced": plan["unplaced"]}, fh, ensure_ascii=False,
                          indent=1)
    else:
        if not args.skip_demo:
            rows.append(run("demo", demo_instance(), args.time_limit or 1.5, solver, 2.0)[0])
        rows.append(run("10x", instances.workshop_like(), args.time_limit or 25.0, solver, 30.0)[0])
        shapes = [(40, 120, 8, 20), (60, 200, 12, 20), (80, 300, 14, 22), (50, 160, 10, 20), (70, 250, 14, 20)]
        for i, (n, m, t, s) in enumerate(shapes[: args.forums]):
            rows.append(run(f"forum-{i + 1}", instances.forum(n, m, t, s, seed=i + 1), args.time_limit or 20.0,
                            solver)[0])
    summary = {"benchmark": "b2b", "solver_available": b2b.SOLVER_AVAILABLE, "use_solver": solver,
               "instances": rows,
               "all_placed": all(r["unplaced"] == 0 for r in rows),
               "lower_bound_reached": sum(1 for r in rows if r["slots_used"] <= r["lower_bound"]),
               "within_budget": all(r["within_budget"] is not False for r in rows)}
    print(json.dumps(summary, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
