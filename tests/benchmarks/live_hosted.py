"""Hosted mode under load: ``python -m tests.benchmarks.live --processes 1,2,3 [--screens N] [--rate W]``.

The live benchmark's load (its screens, its writer, its measurement: ``tests/benchmarks/live.py``) sent
through real nginx to N app processes on a real Redis (``tests/hosted/harness.py``: ``redis-server`` and
``nginx`` on free ports of 127.0.0.1, in the run's temporary folder), after the same load against the single
process without them (laptop mode, the reference). Screens connect with the workshop and their own id in
the Socket.IO URL, as the pages do, so nginx spreads them over the processes; writes go through nginx to
the workshop's owner.

Reported per configuration: latency p50/p95 (submission -> arrival on a screen), writes/s, deliveries/s,
missing deliveries, and CPU split by component (app processes, Redis, nginx) in % of a core, in ms per
write and in µs per delivery. The Redis overhead per broadcast is the 1-process hosted run's CPU per write
(app + Redis) minus the single process's. ``--find-limit`` also climbs a short ladder of rates per
configuration with ``--find-limit`` (``--rates``, ``--step-seconds``) and reports the highest rate at which every screen still
gets every write with p95 <= 250 ms. The clients and the writer share the machine: the output says how busy
it was (load average, other processes' CPU, CPU pressure).
"""
from __future__ import annotations

import os
import uuid
from collections import Counter
from pathlib import Path
from time import monotonic

import psutil

from tests.benchmarks import live
from tests.hosted.harness import Cluster

LADDER = (20, 40, 60, 80, 100, 130)


class CpuSource:
    """``cpu_times()`` summed over several processes (with their children: nginx's workers), each call kept
    so the measured window can be split per component afterwards."""

    def __init__(self, groups: dict[str, list[int]]):
        self.groups = {k: [psutil.Process(p) for p in pids] for k, pids in groups.items()}
        self.snaps: list[dict[str, float]] = []

    @staticmethod
    def _seconds(p: psutil.Process) -> float:
        try:
            t = p.cpu_times()
            out = t.user + t.system
            for c in p.children(recursive=True):
                ct = c.cpu_times()
                out += ct.user + ct.system
            return out
        except psutil.Error:
            return 0.0

    def cpu_times(self):
        snap = {k: sum(self._seconds(p) for p in ps) for k, ps in self.groups.items()}
        self.snaps.append(snap)
        app = snap.get("app", 0.0)  # run_load's "server CPU" is the app processes' own
        return _Times(app)

    def window(self) -> dict[str, float]:
        if len(self.snaps) < 2:
            return {}
        a, b = self.snaps[-2], self.snaps[-1]
        return {k: b[k] - a[k] for k in b}


class _Times:
    def __init__(self, user):
        self.user, self.system = user, 0.0


class HostedTarget(live.AppTarget):
    name = "hosted"

    def __init__(self, tmp: Path, processes: int):
        self.cluster = Cluster(tmp, processes=processes)
        self.server = self.cluster.front  # the workshop, the phones and the writes go through nginx
        self.prefix = live.id_prefix()
        self.processes = processes

    def start(self):
        self.cluster.start()
        self.base = self.cluster.base
        servers = list(self.cluster.servers.values())
        self.pid = servers[0].proc.pid
        self.cpu_source = CpuSource({"app": [s.proc.pid for s in servers], "redis": [self.cluster.redis.proc.pid],
                                     "nginx": [self.cluster.nginx.proc.pid]})
        return self

    def setup(self, roles):
        specs = super().setup(roles)
        wid = specs[0]["auth"]["workshop"]
        self.owner = self.cluster.owner(wid)
        self.pid = self.cluster.servers[self.owner].proc.pid  # peak RSS: the owner's
        for spec in specs:
            spec["client"] = str(uuid.uuid4())
            spec["query"] = f"&workshop={wid}&client={spec['client']}"
        self.spread = Counter(self.cluster.owner(s["client"]) for s in specs)
        return specs

    def stop(self):
        self.cluster.stop()


def bring_up(target, args, roles, procs):
    target.start()
    t = monotonic()
    specs = target.setup(roles)
    setup_s = monotonic() - t
    clients = live.Clients(target.base, specs, procs, priority=args.priority, kind="light")
    connected, n_err, errors, connect_s = clients.wait_ready(timeout=180)
    spread = ""
    if isinstance(target, HostedTarget):
        spread = "; screens per process " + ", ".join(
            f"{n}{' (owner)' if n == target.owner else ''}: {target.spread[n]}" for n in target.cluster.upstreams)
    print(f"  {target.name}: setup {setup_s:.1f} s; {connected}/{len(roles)} screens connected in {connect_s:.1f} s"
          + (f"; {n_err} failed: {errors[:2]}" if n_err else "") + spread, flush=True)
    return clients, connected


def figures(res: dict, target, n_screens: int) -> dict:
    """The run's figures with the CPU split per component (hosted) or the one process's (single)."""
    window = res["window_s"] or 1.0
    writes = max(1, res["writes_acked"])
    deliveries = max(1, res["deliveries"])
    if isinstance(target, HostedTarget):
        cpu = target.cpu_source.window()
    else:
        cpu = {"app": res["cpu_percent"] * window / 100.0 if res["cpu_percent"] is not None else 0.0}
    out = {k: res[k] for k in ("rate", "p50_ms", "p95_ms", "all_screens_p95_ms", "http_p95_ms", "writes_per_s",
                               "deliveries_per_s", "lost", "http_errors", "http_error_kinds", "disconnected", "rss_mb",
                               "client_cpu_percent", "other_cpu_percent", "cpu_pressure_percent")}
    out["screens"] = n_screens
    total = sum(cpu.values())
    for k, v in cpu.items():
        out[f"{k}_cpu_percent"] = round(100.0 * v / window, 1)
        out[f"{k}_cpu_ms_per_write"] = round(1000.0 * v / writes, 2)
    out["cpu_ms_per_write"] = round(1000.0 * total / writes, 2)
    out["cpu_us_per_delivery"] = round(1e6 * total / deliveries, 1)
    return out


def saturation(target, clients, n_screens, args, idx_base) -> float | None:
    rates = [float(r) for r in args.rates.split(",")] if args.rates else list(LADDER)
    best = None
    for rate in rates:
        res = live.run_load(target, clients, n_screens, rate, args.step_seconds - 1.0, 1.0, drain_timeout=6,
                            idx_base=idx_base)
        idx_base += 100_000
        ok = live.passes(res, rate)
        print(f"    {rate:g} writes/s: p95 {live.fmt(res['p95_ms'])} ms, {res['writes_per_s']} writes/s, "
              f"{res['lost']} missing -> {'ok' if ok else 'over'}", flush=True)
        if not ok:
            break
        best = rate
    return best


def one(target, args, roles, procs) -> dict:
    clients = None
    try:
        clients, connected = bring_up(target, args, roles, procs)
        res = live.run_load(target, clients, connected, args.rate, args.seconds, args.warmup, drain_timeout=8,
                            idx_base=0)
        out = figures(res, target, connected)
        print(f"  {target.name}{'' if not isinstance(target, HostedTarget) else ' x' + str(target.processes)}: "
              f"p50 {live.fmt(out['p50_ms'])} ms, p95 {live.fmt(out['p95_ms'])} ms, {out['writes_per_s']} writes/s, "
              f"{out['deliveries_per_s']} deliveries/s, {out['lost']} missing, CPU {out['cpu_ms_per_write']} ms/write "
              f"({out['cpu_us_per_delivery']} µs/delivery)", flush=True)
        if args.find_limit:
            out["saturation_writes_per_s"] = saturation(target, clients, connected, args, 1_000_000)
        return out
    finally:
        live.tear_down(target, clients)


def hosted(args, tmp: Path, roles, procs) -> dict:
    counts = [int(x) for x in str(args.processes).split(",") if x.strip()]
    load0 = os.getloadavg()
    print(f"Hosted: {len(roles)} screens, {args.rate:g} writes/s for {args.seconds:g} s; the single process "
          f"first, then {', '.join(map(str, counts))} process(es) behind nginx on Redis; load average "
          f"{load0[0]:.2f} {load0[1]:.2f} {load0[2]:.2f} on {psutil.cpu_count()} CPUs", flush=True)
    for sub in ("single", *(f"hosted-{n}" for n in counts)):
        (tmp / sub).mkdir(parents=True, exist_ok=True)
    runs = {"single": one(live.AppTarget(tmp / "single", args.async_mode, priority=args.priority), args, roles,
                          procs)}
    for n in counts:
        runs[f"hosted_{n}"] = one(HostedTarget(tmp / f"hosted-{n}", n), args, roles, procs)
    single = runs["single"]
    cols = list(runs)
    rows = [("latency p50 (ms)", "p50_ms"), ("latency p95 (ms)", "p95_ms"), ("on all screens p95", "all_screens_p95_ms"),
            ("HTTP ack p95 (ms)", "http_p95_ms"), ("writes/s", "writes_per_s"), ("deliveries/s", "deliveries_per_s"),
            ("missing deliveries", "lost"), ("HTTP errors", "http_errors"), ("app CPU (% core)", "app_cpu_percent"),
            ("Redis CPU (% core)", "redis_cpu_percent"), ("nginx CPU (% core)", "nginx_cpu_percent"),
            ("app CPU ms/write", "app_cpu_ms_per_write"), ("Redis CPU ms/write", "redis_cpu_ms_per_write"),
            ("nginx CPU ms/write", "nginx_cpu_ms_per_write"), ("total CPU ms/write", "cpu_ms_per_write"),
            ("CPU µs/delivery", "cpu_us_per_delivery"), ("saturation (writes/s)", "saturation_writes_per_s"),
            ("clients CPU (% core)", "client_cpu_percent"), ("other CPU (% core)", "other_cpu_percent"),
            ("CPU pressure (%)", "cpu_pressure_percent")]
    print()
    print("  " + " " * 24 + "".join(f"{c:>12}" for c in cols))
    for label, key in rows:
        print(f"  {label:24}" + "".join(f"{live.fmt(runs[c].get(key)):>12}" for c in cols))
    h1 = runs.get("hosted_1")
    summary = {"mode": "hosted", "screens": len(roles), "rate": args.rate, "seconds": args.seconds,
               "processes": counts, "runs": runs, "load_avg_at_start": [round(x, 2) for x in load0],
               "cpus": psutil.cpu_count()}
    if h1:
        # What the queue adds to one broadcast: the same single process, now publishing through Redis (and
        # reached through nginx), per write = per broadcast to every screen.
        summary["redis_overhead_ms_per_broadcast"] = round(
            h1["app_cpu_ms_per_write"] + h1["redis_cpu_ms_per_write"] - single["app_cpu_ms_per_write"], 2)
        summary["nginx_ms_per_write"] = h1["nginx_cpu_ms_per_write"]
        print(f"\n  Redis overhead per broadcast (1 process on Redis vs single, app + Redis CPU): "
              f"{summary['redis_overhead_ms_per_broadcast']} ms; nginx {h1['nginx_cpu_ms_per_write']} ms per write "
              f"({len(roles)} screens)")
    best = min((r["cpu_us_per_delivery"] for k, r in runs.items() if k.startswith("hosted_")), default=None)
    if best:
        # By that measure: a 16-core host, 2 cores left to nginx, Redis and the system, 14 app processes.
        per_s = 14 * 1e6 / best
        summary["host16_deliveries_per_s"] = round(per_s)
        summary["host16_screens_at_rate"] = round(per_s / max(args.rate, 1e-9))
        print(f"  A 16-core host (14 app processes, by the best µs/delivery here, {best}): ~{per_s:,.0f} deliveries/s"
              f", i.e. ~{per_s / args.rate:,.0f} screens at {args.rate:g} writes/s each seen by all")
    summary["targets_met"] = {"every_write_on_every_screen": all(r["lost"] == 0 and r["http_errors"] == 0
                                                                 for r in runs.values())}
    return summary
