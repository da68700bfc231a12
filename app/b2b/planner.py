"""The B2B meeting planner: an instance in, a plan out (plain functions, no Flask, no SQLite).

Goals, in this order: place every meeting that can be placed; in a re-plan, move as
few already-announced meetings as possible; use the fewest slots; then leave as few
idle slots as possible between each participant's first and last meeting of a
session, the worst-off participant counted too so that idle slots are spread fairly.

OR-Tools CP-SAT solves it in phases under one time limit, each phase hinted with the
best plan so far and fixing what the previous phases reached. A constructive plan
(greedy by load, then local moves) comes first: it is the hint, and the answer when
OR-Tools is missing or finds nothing better in time.

Places only enter as counts per slot: with meetings sorted by size, "at most as many
meetings needing c seats or more as free places with c seats or more" for every c is
exactly the condition for a place assignment to exist, so places are assigned after
the slots are chosen (:func:`assign_places`), keeping a meeting's announced place.
"""
from __future__ import annotations

import importlib.util
import random
import time

from .instance import Instance, Meeting, lower_bound

class _CpModel:
    """OR-Tools' CP-SAT, imported at the first plan rather than with the server: it brings numpy and
    pandas (~40 MB that every live server would carry for a planner run once or twice an afternoon)."""

    _module = None

    def __getattr__(self, name):
        if _CpModel._module is None:
            from ortools.sat.python import cp_model as module

            _CpModel._module = module
        return getattr(_CpModel._module, name)


# the solver is optional: without it the constructive plan is the answer
SOLVER_AVAILABLE = importlib.util.find_spec("ortools") is not None
cp_model = _CpModel() if SOLVER_AVAILABLE else None


# --------------------------------------------------------------------------
# Shared helpers
# --------------------------------------------------------------------------
def _session_slots(inst: Instance, m: Meeting) -> list[int]:
    spans = [inst.sessions[m.session]] if m.session is not None else inst.sessions
    return [s for a, b in spans for s in range(a, b + 1)]


def idle_of(inst: Instance, slot_of: dict) -> dict:
    """Idle slots per participant: free and available slots between its first and last meeting, per session."""
    busy: dict = {}
    for m in inst.meetings:
        s = slot_of.get(m.id)
        if s is None:
            continue
        for p in m.participants:
            busy.setdefault(p, set()).add(s)
    out = {}
    for p, slots in busy.items():
        total = 0
        for a, b in inst.sessions:
            inside = sorted(s for s in slots if a <= s <= b)
            if len(inside) >= 2:
                total += sum(1 for s in range(inside[0], inside[-1] + 1)
                             if s not in slots and s not in inst.unavailable.get(p, ()))
        out[p] = total
    return out


def assign_places(inst: Instance, slot_of: dict, prefer: dict | None = None) -> dict | None:
    """Meeting id -> place index, or None if some slot cannot seat its meetings.

    Per slot, largest meetings first, each takes its preferred (announced, locked) place
    if free and big enough, else the smallest free place that fits; with that order any
    fitting place is safe, so this finds an assignment whenever one exists."""
    prefer = prefer or {}
    by_slot: dict = {}
    for m in inst.meetings:
        s = slot_of.get(m.id)
        if s is not None:
            by_slot.setdefault(s, []).append(m)
    out = {}
    order = sorted(range(len(inst.places)), key=lambda i: (inst.capacity(i), i))
    for s, ms in by_slot.items():
        free = list(order)
        for m in [m for m in ms if m.locked_place is not None and m.locked_slot == s]:
            if m.locked_place not in free:
                return None
            free.remove(m.locked_place)
            out[m.id] = m.locked_place
        rest = [m for m in ms if m.id not in out]
        rest.sort(key=lambda m: -m.seats)
        for m in rest:
            want = prefer.get(m.id)
            if want in free and inst.capacity(want) >= m.seats:
                pick = want
            else:
                pick = next((i for i in free if inst.capacity(i) >= m.seats), None)
            if pick is None:
                return None
            free.remove(pick)
            out[m.id] = pick
    return out


def _score(inst, slot_of):
    idle = idle_of(inst, slot_of)
    used = len(set(slot_of.values()))
    moves = sum(1 for m in inst.meetings if m.current_slot is not None and slot_of.get(m.id) != m.current_slot)
    return {"placed": len(slot_of), "moves": moves, "slots_used": used,
            "idle_total": sum(idle.values()), "idle_worst": max(idle.values(), default=0), "idle": idle}


def _key(sc):
    return (-sc["placed"], sc["moves"], sc["slots_used"], sc["idle_total"], sc["idle_worst"])


# --------------------------------------------------------------------------
# Pre-checks: what can never be placed, and where each meeting may go
# --------------------------------------------------------------------------
def _candidates(inst: Instance):
    """(candidate slots per meeting id, unplaceable {id: reason}), locked meetings checked first."""
    cand, bad = {}, {}
    max_cap = max((inst.capacity(i) for i in range(len(inst.places))), default=0)
    load: dict = {}
    taken = set()
    for m in inst.meetings:
        if m.locked_slot is None:
            continue
        s = m.locked_slot
        why = _slot_refusal(inst, m, s)
        if why is None and m.locked_place is not None:
            if (s, m.locked_place) in taken:
                why = {"reason": "lock_conflict", "slot": s, "place": inst.place_id(m.locked_place)}
            elif inst.capacity(m.locked_place) < m.seats:
                why = {"reason": "place_too_small", "place": inst.place_id(m.locked_place)}
        if why is None:
            full = [p for p in m.participants if load.get((p, s), 0) >= inst.people[p]]
            if full:
                why = {"reason": "lock_conflict", "slot": s, "participants": full}
        if why:
            bad[m.id] = why
            continue
        for p in m.participants:
            load[(p, s)] = load.get((p, s), 0) + 1
        if m.locked_place is not None:
            taken.add((s, m.locked_place))
        cand[m.id] = [s]
    for m in inst.meetings:
        if m.locked_slot is not None:
            continue
        if not m.participants:
            bad[m.id] = {"reason": "no_participants"}
            continue
        if m.seats > max_cap:
            bad[m.id] = {"reason": "no_place_big_enough", "seats": m.seats}
            continue
        slots = [s for s in _session_slots(inst, m) if _slot_refusal(inst, m, s) is None and s not in inst.closed]
        if not slots:
            gone = [p for p in m.participants
                    if inst.people[p] == 0 or all(s in inst.unavailable[p] for s in _session_slots(inst, m))]
            bad[m.id] = ({"reason": "participant_unavailable", "participants": gone} if gone
                         else {"reason": "no_common_slot", "session": m.session})
            continue
        cand[m.id] = slots
    return cand, bad


def _slot_refusal(inst, m, s):
    if inst.session_of(s) is None or (m.session is not None and inst.session_of(s) != m.session):
        return {"reason": "outside_sessions", "slot": s}
    gone = [p for p in m.participants if inst.people[p] == 0 or s in inst.unavailable[p]]
    if gone:
        return {"reason": "participant_unavailable", "slot": s, "participants": gone}
    return None


# --------------------------------------------------------------------------
# Constructive plan
# --------------------------------------------------------------------------
class _Board:
    """Occupation of slots by participants and places, for the constructive plan."""

    def __init__(self, inst: Instance):
        self.inst = inst
        self.load: dict = {}
        self.free = {s: sorted(range(len(inst.places)), key=lambda i: (inst.capacity(i), i))
                     for s in range(inst.slots)}
        self.slot_of: dict = {}
        self.place_of: dict = {}
        self.count = [0] * inst.slots

    def fits(self, m, s, place=None):
        if any(self.load.get((p, s), 0) >= self.inst.people[p] for p in m.participants):
            return None
        if place is not None:
            return place if place in self.free[s] and self.inst.capacity(place) >= m.seats else None
        return next((i for i in self.free[s] if self.inst.capacity(i) >= m.seats), None)

    def put(self, m, s, place):
        for p in m.participants:
            self.load[(p, s)] = self.load.get((p, s), 0) + 1
        self.free[s].remove(place)
        self.slot_of[m.id], self.place_of[m.id] = s, place
        self.count[s] += 1

    def take(self, m):
        s, place = self.slot_of.pop(m.id), self.place_of.pop(m.id)
        for p in m.participants:
            self.load[(p, s)] -= 1
        self.free[s].append(place)
        self.free[s].sort(key=lambda i: (self.inst.capacity(i), i))
        self.count[s] -= 1
        return s, place


def _busy(board, inst):
    busy: dict = {}
    for m in inst.meetings:
        s = board.slot_of.get(m.id)
        if s is not None:
            for p in m.participants:
                busy.setdefault(p, set()).add(s)
    return busy


def _span_idle(inst, p, slots, k):
    """Idle slots of participant ``p`` in session ``k`` given its busy ``slots`` (a set)."""
    a, b = inst.sessions[k]
    inside = [s for s in slots if a <= s <= b]
    if len(inside) < 2:
        return 0
    lo, hi = min(inside), max(inside)
    gone = inst.unavailable[p]
    return (hi - lo + 1) - len(inside) - (sum(1 for s in gone if lo <= s <= hi) if gone else 0)


def _delta_idle(inst, busy, m, s_from, s_to):
    """Change in idle slots if meeting ``m`` goes from ``s_from`` to ``s_to`` (either may be None)."""
    d = 0
    ks = {inst.session_of(s) for s in (s_from, s_to) if s is not None}
    for p in m.participants:
        cur = busy.get(p, set())
        new = set(cur)
        if s_from is not None:
            new.discard(s_from)
        if s_to is not None:
            new.add(s_to)
        for k in ks:
            d += _span_idle(inst, p, new, k) - _span_idle(inst, p, cur, k)
    return d


def _greedy_once(inst, cand, order, rng_noise=None):
    board = _Board(inst)
    by_id = {m.id: m for m in inst.meetings}
    for m in inst.meetings:  # locks first, then announced meetings where they were
        if m.id in cand and m.locked_slot is not None:
            place = board.fits(m, m.locked_slot, m.locked_place)
            if place is not None:
                board.put(m, m.locked_slot, place)
    for m in inst.meetings:
        if m.id in cand and m.id not in board.slot_of and m.current_slot in cand[m.id]:
            place = board.fits(m, m.current_slot, m.current_place)
            if place is None:
                place = board.fits(m, m.current_slot)
            if place is not None:
                board.put(m, m.current_slot, place)
    busy = _busy(board, inst)
    for mid in order:
        m = by_id[mid]
        if mid in board.slot_of:
            continue
        best = None
        for s in cand[mid]:
            place = board.fits(m, s)
            if place is None:
                continue
            key = (board.count[s] == 0, _delta_idle(inst, busy, m, None, s),
                   rng_noise.random() if rng_noise else 0, s)
            if best is None or key < best[0]:
                best = (key, s, place)
        if best:
            board.put(m, best[1], best[2])
            for p in m.participants:
                busy.setdefault(p, set()).add(best[1])
    return board


def _improve(inst, cand, board, deadline, lb=0):
    """Local moves: empty thinly used slots, then move single meetings to cut idle slots."""
    movable = [m for m in inst.meetings if m.id in board.slot_of and m.locked_slot is None
               and not (m.current_slot is not None and board.slot_of[m.id] == m.current_slot)]
    improved = True
    while improved and time.monotonic() < deadline:
        improved = False
        # 1. try to empty the least used slot
        used = sorted((c, s) for s, c in enumerate(board.count) if c)
        for c, s in (used[: max(1, len(used) // 3)] if len(used) > lb else []):
            inside = [m for m in movable if board.slot_of.get(m.id) == s]
            if len(inside) != c:
                continue  # something pinned there
            undo = []
            for m in inside:
                _, place = board.take(m)
                undo.append((m, s, place))
                dest = next(((t, pl) for t in cand[m.id] if t != s and board.count[t]
                             for pl in [board.fits(m, t)] if pl is not None), None)
                if dest is None:
                    break
                board.put(m, *dest)
            else:
                improved = True
                break
            # roll back
            for m, s0, place in reversed(undo):
                if m.id in board.slot_of:
                    board.take(m)
            for m, s0, place in undo:
                board.put(m, s0, place)
        if time.monotonic() >= deadline:
            break
        # 2. single moves that reduce idle without opening a slot
        busy = _busy(board, inst)
        for m in movable:
            s = board.slot_of[m.id]
            best = None
            for t in cand[m.id]:
                if t == s or not board.count[t]:
                    continue
                place = board.fits(m, t)
                if place is None:
                    continue
                d = _delta_idle(inst, busy, m, s, t)
                if d < 0 and (best is None or d < best[0]):
                    best = (d, t, place)
            if best:
                board.take(m)
                board.put(m, best[1], best[2])
                for p in m.participants:
                    busy[p].discard(s)
                    busy[p].add(best[1])
                improved = True
        if time.monotonic() >= deadline:
            break
    return board


def constructive(inst: Instance, cand: dict, time_limit: float = 1.0, seed: int = 0) -> dict:
    """Greedy by load (busiest participants' meetings first, fewest candidate slots first), a few
    shuffled restarts, local moves; returns meeting id -> slot."""
    deadline = time.monotonic() + time_limit
    lb = lower_bound(inst, [m for m in inst.meetings if m.id in cand])
    deg: dict = {}
    for m in inst.meetings:
        if m.id in cand:
            for p in m.participants:
                deg[p] = deg.get(p, 0) + 1
    ids = [m.id for m in inst.meetings if m.id in cand]
    press = {m.id: max(deg[p] / max(1, inst.people[p]) for p in m.participants) for m in inst.meetings if m.id in cand}
    order = sorted(ids, key=lambda i: (-press[i], len(cand[i]), i))
    rng = random.Random(seed)
    best, best_key = None, None
    tries = 0
    while True:
        noise = rng if tries else None
        cur = order if tries == 0 else sorted(ids, key=lambda i: (-press[i] + rng.random() * 1.5, len(cand[i])))
        board = _greedy_once(inst, cand, cur, noise)
        tries += 1
        sc = _score(inst, board.slot_of)
        if best is None or _key(sc) < best_key:
            best, best_key = dict(board.slot_of), _key(sc)
            best_board = board
        if (best_key[0] == -len(ids) and best_key[2] <= lb) or time.monotonic() > deadline - time_limit / 2 or tries >= 30:
            break
    _improve(inst, cand, best_board, deadline, lb)
    return dict(best_board.slot_of)


# --------------------------------------------------------------------------
# CP-SAT
# --------------------------------------------------------------------------
class _Model:
    def __init__(self, inst: Instance, cand: dict):
        self.inst, self.cand = inst, cand
        md = self.md = cp_model.CpModel()
        self.x = {}
        ms = [m for m in inst.meetings if m.id in cand]
        self.meetings = ms
        for m in ms:
            for s in cand[m.id]:
                self.x[m.id, s] = md.new_bool_var(f"x_{len(self.x)}")
            md.add_at_most_one([self.x[m.id, s] for s in cand[m.id]])
        self.placed = cp_model.LinearExpr.sum(list(self.x.values()))
        at: dict = {}
        for m in ms:
            for s in cand[m.id]:
                at.setdefault(s, []).append(m)
        # participants: at most `people` meetings at once
        per: dict = {}
        for m in ms:
            for s in cand[m.id]:
                for p in m.participants:
                    per.setdefault((p, s), []).append(self.x[m.id, s])
        for (p, s), xs in per.items():
            if len(xs) > inst.people[p]:
                md.add(sum(xs) <= inst.people[p])
        # places: nested capacity counts per slot
        for s, here in at.items():
            locked_places = {m.locked_place for m in here if m.locked_place is not None}
            free = [inst.capacity(i) for i in range(len(inst.places)) if i not in locked_places]
            flexible = [m for m in here if m.locked_place is None]
            for c in sorted({m.seats for m in flexible}):
                xs = [self.x[m.id, s] for m in flexible if m.seats >= c]
                room = sum(1 for cap in free if cap >= c)
                if len(xs) > room:
                    md.add(sum(xs) <= room)
        # slots used
        self.u = {s: md.new_bool_var(f"u_{s}") for s in at}
        for (mid, s), v in self.x.items():
            md.add_implication(v, self.u[s])
        self.used = sum(self.u.values())
        self.early = sum(s * v for s, v in self.u.items())  # last tie-break: earlier slots
        self.early_span = sum(self.u) + 1
        # announced meetings kept
        keep = [self.x[m.id, m.current_slot] for m in ms if m.current_slot is not None
                and (m.id, m.current_slot) in self.x]
        self.announced = sum(1 for m in inst.meetings if m.current_slot is not None)
        self.moves = self.announced - sum(keep) if keep else self.announced
        self._idle_vars(ms)

    def _idle_vars(self, ms):
        inst, md = self.inst, self.md
        by_p: dict = {}
        for m in ms:
            for p in m.participants:
                by_p.setdefault(p, []).append(m)
        idle_terms, per_p = [], []
        self.chains = []
        for p, pm in by_p.items():
            if len(pm) < 2:
                continue
            mine = []
            for a, b in inst.sessions:
                seq = [s for s in range(a, b + 1) if s not in inst.unavailable[p]]
                xs_at = {s: [self.x[m.id, s] for m in pm if (m.id, s) in self.x] for s in seq}
                if sum(1 for s in seq if xs_at[s]) < 2:
                    continue
                lo = next(i for i, s in enumerate(seq) if xs_at[s])
                hi = max(i for i, s in enumerate(seq) if xs_at[s])
                seq = seq[lo:hi + 1]
                busy = []
                for s in seq:
                    xs = xs_at[s]
                    if not xs:
                        busy.append(0)
                    elif len(xs) == 1:
                        busy.append(xs[0])
                    else:
                        bv = md.new_bool_var("b")
                        for v in xs:
                            md.add_implication(v, bv)
                        md.add(bv <= sum(xs))
                        busy.append(bv)
                n = len(seq)
                if n < 3:
                    continue
                f = [md.new_bool_var("f") for _ in range(n)]
                last = [md.new_bool_var("l") for _ in range(n)]
                for i in range(n):
                    if not isinstance(busy[i], int):
                        md.add_implication(busy[i], f[i])
                        md.add_implication(busy[i], last[i])
                    if i:
                        md.add_implication(f[i - 1], f[i])
                    if i < n - 1:
                        md.add_implication(last[i + 1], last[i])
                vs = []
                for i in range(1, n - 1):
                    v = md.new_bool_var("i")
                    if isinstance(busy[i], int):
                        md.add_bool_or([f[i].Not(), last[i].Not(), v])
                    else:
                        md.add_bool_or([f[i].Not(), last[i].Not(), busy[i], v])
                    vs.append(v)
                mine.extend(vs)
                self.chains.append((p, seq, busy, f, last, vs))
            if mine:
                idle_terms.extend(mine)
                per_p.append(sum(mine))
        self.idle = sum(idle_terms) if idle_terms else 0
        self.worst = md.new_int_var(0, self.inst.slots, "worst")
        for e in per_p:
            md.add(self.worst >= e)
        self.horizon = self.inst.slots + 1

    def hint(self, slot_of):
        self.md.clear_hints()
        self._hinted_x = {v.index for v in self.x.values()}
        for (mid, s), v in self.x.items():
            self.md.add_hint(v, 1 if slot_of.get(mid) == s else 0)
        used = set(slot_of.values())
        for s, v in self.u.items():
            self.md.add_hint(v, 1 if s in used else 0)
        taken: dict = {}
        for m in self.meetings:
            if m.id in slot_of:
                for p in m.participants:
                    taken.setdefault(p, set()).add(slot_of[m.id])
        per: dict = {}
        for p, seq, busy, f, last, vs in self.chains:
            b = [1 if s in taken.get(p, ()) else 0 for s in seq]
            n = len(seq)
            fv = [1 if any(b[: i + 1]) else 0 for i in range(n)]
            lv = [1 if any(b[i:]) else 0 for i in range(n)]
            for i in range(n):
                if not isinstance(busy[i], int) and busy[i].index not in self._hinted_x:
                    self.md.add_hint(busy[i], b[i])
                self.md.add_hint(f[i], fv[i])
                self.md.add_hint(last[i], lv[i])
            for i, v in enumerate(vs, start=1):
                iv = 1 if fv[i] and lv[i] and not b[i] else 0
                self.md.add_hint(v, iv)
                per[p] = per.get(p, 0) + iv
        self.md.add_hint(self.worst, max(per.values(), default=0))

    def solve(self, objective, maximize, seconds, workers):
        if maximize:
            self.md.maximize(objective)
        else:
            self.md.minimize(objective)
        solver = cp_model.CpSolver()
        solver.parameters.max_time_in_seconds = max(0.05, seconds)
        solver.parameters.num_workers = workers
        # a light presolve: on big instances the default one costs more than the search itself
        solver.parameters.symmetry_level = 0
        solver.parameters.max_presolve_iterations = 1
        solver.parameters.cp_model_probing_level = 0
        status = solver.solve(self.md)
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return None, status == cp_model.OPTIMAL, None, solver
        slot_of = {mid: s for (mid, s), v in self.x.items() if solver.boolean_value(v)}
        return slot_of, status == cp_model.OPTIMAL, solver.best_objective_bound, solver


# --------------------------------------------------------------------------
# Diagnosis of what was left out
# --------------------------------------------------------------------------
def _why_unplaced(inst, cand, slot_of, m):
    counts: dict = {}
    for mm in inst.meetings:
        if mm.id in slot_of:
            for p in mm.participants:
                counts[p] = counts.get(p, 0) + 1
    for p in m.participants:
        avail = sum(1 for a, b in inst.sessions for s in range(a, b + 1) if s not in inst.unavailable[p]) * inst.people[p]
        wanted = sum(1 for mm in inst.meetings if p in mm.participants and mm.id in cand)
        if wanted > avail:
            return {"reason": "participant_overbooked", "participants": [p], "meetings": wanted, "capacity": avail}
    load: dict = {}
    per_slot: dict = {}
    for mm in inst.meetings:
        s = slot_of.get(mm.id)
        if s is not None:
            per_slot[s] = per_slot.get(s, 0) + 1
            for p in mm.participants:
                load[(p, s)] = load.get((p, s), 0) + 1
    busy, full = set(), 0
    for s in cand[m.id]:
        b = [p for p in m.participants if load.get((p, s), 0) >= inst.people[p]]
        busy.update(b)
        if not b:
            full += 1
    return {"reason": "no_free_slot", "participants": sorted(busy, key=str), "slots_tried": len(cand[m.id]),
            "slots_places_full": full}


# --------------------------------------------------------------------------
# Entry point
# --------------------------------------------------------------------------
def plan(inst: Instance, time_limit: float = 10.0, use_solver: bool = True, workers: int = 4,
         seed: int = 0) -> dict:
    """Plan ``inst``; returns {"meetings": [{id, slot, place}], "unplaced": [{id, reason, ...}], "stats"}."""
    t0 = time.monotonic()
    deadline = t0 + time_limit
    cand, bad = _candidates(inst)
    feasible = [m for m in inst.meetings if m.id in cand]
    lb = lower_bound(inst, feasible)
    greedy_budget = time_limit * (0.4 if use_solver and SOLVER_AVAILABLE else 0.9)
    best = constructive(inst, cand, greedy_budget, seed)
    sc = _score(inst, best)
    solver_name = "constructive"
    proven = {"placement": False, "moves": False, "slots": sc["slots_used"] <= lb, "idle": sc["idle_total"] == 0}
    idle_bound = 0 if proven["idle"] else None
    if use_solver and SOLVER_AVAILABLE and feasible and time.monotonic() < deadline - 0.1:
        model = _Model(inst, cand)

        def run(expr, maximize, share):
            left = deadline - time.monotonic()
            if left < 0.05:
                return None, False, None
            model.hint(best)
            got, optimal, bound, _ = model.solve(expr, maximize, left * share, workers)
            return got, optimal, bound

        def take(got, depth):
            """Keep ``got`` only if strictly better on the first ``depth`` goals, or as good and better after."""
            nonlocal best, sc, solver_name
            if got is None:
                return
            new = _score(inst, got)
            if _key(new)[:depth] < _key(sc)[:depth] or _key(new) < _key(sc):
                best, sc, solver_name = got, new, "cp-sat"

        scale = model.horizon * model.early_span
        idle_expr = (model.idle * model.horizon + model.worst) * model.early_span + model.early
        # 1. place every meeting that can be
        if sc["placed"] < len(feasible):
            got, opt, _ = run(model.placed, True, 0.3)
            take(got, 1)
            proven["placement"] = bool(got is not None and opt)
        else:
            proven["placement"] = True
        if sc["placed"] == len(feasible):
            for m in feasible:
                model.md.add_exactly_one([model.x[m.id, s] for s in cand[m.id]])
        else:
            model.md.add(model.placed >= sc["placed"])
        # 2. re-plan: fewest moves of announced meetings
        if model.announced:
            if sc["moves"]:
                got, opt, _ = run(model.moves, False, 0.3)
                take(got, 2)
                proven["moves"] = bool(got is not None and opt)
            else:
                proven["moves"] = True
            model.md.add(model.moves <= sc["moves"])
        # 3. fewest slots (idle slots second in the same objective)
        if not proven["slots"]:
            big = scale * (len(inst.people) * inst.slots + 1) + model.early_span
            got, opt, _ = run(model.used * big + idle_expr, False, 0.6)
            take(got, 3)
            proven["slots"] = bool(got is not None and opt) or sc["slots_used"] <= lb
            if got is not None and opt:
                proven["idle"] = True
                idle_bound = sc["idle_total"]
        model.md.add(model.used <= sc["slots_used"])
        # 4. fewest idle slots, the worst-off participant next
        if sc["idle_total"] and not proven["idle"]:
            got, opt, bound = run(idle_expr, False, 0.95)
            take(got, 5)
            proven["idle"] = bool(got is not None and opt)
            if bound is not None and bound == bound:
                idle_bound = int(bound // scale)
            if proven["idle"]:
                idle_bound = sc["idle_total"]
    prefer = {m.id: m.current_place for m in inst.meetings if m.current_place is not None}
    places = assign_places(inst, best, prefer)
    if places is None:  # cannot happen when the counts hold; never return a double-booked place
        raise AssertionError("place assignment failed")
    unplaced = [{"id": m.id, **bad[m.id]} for m in inst.meetings if m.id in bad]
    unplaced += [{"id": m.id, **_why_unplaced(inst, cand, best, m)} for m in feasible if m.id not in best]
    moved = [m.id for m in inst.meetings if m.current_slot is not None and
             (best.get(m.id) != m.current_slot or (m.current_place is not None and places.get(m.id) != m.current_place))]
    worst_p = max(sc["idle"], key=lambda p: (sc["idle"][p], str(p)), default=None) if sc["idle"] else None
    stats = {
        "meetings": len(inst.meetings), "placed": sc["placed"], "unplaced": len(unplaced),
        "lower_bound": lb, "slots_used": sc["slots_used"],
        "optimal": bool(proven["slots"] and (sc["placed"] == len(feasible) or proven["placement"])),
        "idle_total": sc["idle_total"], "idle_worst": sc["idle_worst"],
        "idle_worst_participant": worst_p if sc["idle_worst"] else None,
        "idle_bound": idle_bound, "idle_optimal": bool(proven["idle"]),
        "moves": len(moved), "moved": moved, "solver": solver_name,
        "solver_available": SOLVER_AVAILABLE, "seconds": round(time.monotonic() - t0, 3),
    }
    return {"meetings": [{"id": m.id, "slot": best[m.id], "place": inst.place_id(places[m.id])}
                         for m in inst.meetings if m.id in best],
            "unplaced": unplaced, "stats": stats}
