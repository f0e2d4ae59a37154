"""From what is owed to routing problems: one `routing.Problem` per worker and month, plus their desk time.

Pure: plain values in, plain values out. Home visits become routed visits; phone visits are desk time taken
from the same daily budget (每日工时), on the earliest day of their window that still has room.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections import defaultdict
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from datetime import date, time

import routing
from visitsvc.model.enums import TravelMode, VisitKind
from visitsvc.planning.policy import Owed
from visitsvc.planning.visit_ids import VisitId

# Dropping another grid's visit costs less than dropping one's own (mandatory) but far more than any detour.
OFFERED_PENALTY = 10**7


# Fields added after plans were stored (docs/adr/0002, "issue 18, production rounds"); see __repr__.
ADDED_LATER = frozenset({"ruin_rounds"})


@dataclass(frozen=True, slots=True)
class PlanningSettings:
    home_minutes: int = 30
    phone_minutes: int = 10
    # Production searches each worker's month down to its first local optimum (greedy descent), at most
    # `solutions_per_visit` solutions per visit: on the city's workers that gave what a second of guided local
    # search gave, in a quarter of the CPU, and the same plan on any machine (docs/adr/0023). An operator's
    # `time_per_worker` (seconds each) or a run's `solution_limit` (simulation, tests) searches with guided
    # local search instead.
    solutions_per_visit: float = 20.0
    # After that descent, rounds of ruin and recreate: strings of neighbouring visits taken out and put back,
    # each round on the days it ruined alone. Off: on the city 30 rounds cost 2.9x the CPU for 0.26% less
    # travel (docs/adr/0002, "issue 18, production rounds"); an office with time may set them.
    ruin_rounds: int = 0
    time_per_worker: float | None = None
    solution_limit: int | None = None
    # The last working day of a home visit's window is left for a second try after "not at home" (a weekly
    # visit planned on Friday has none); a worker who cannot fit their visits without it is solved again.
    retry_day: bool = True
    # Nobody at home is the commonest miss, and every working day of the window left after a try is one
    # more chance: a try that leaves fewer than `later_tries` days costs `later_try_cost` per day short, and
    # a visit to place soon (tried and not found, or its day lost) costs as much per day it waits, up to
    # `later_tries`. That cost beats the balance cost (3,600 per visit above a day's share), so a day one
    # visit fuller wins over a try given up: weekly visits go early in their week, a try again goes to the
    # next working day.
    later_tries: int = 4
    later_try_cost: int = 4000
    # A re-plan keeps each planned visit on its day (the worker's phone holds it) unless moving it lets in
    # a try again that cannot wait: leaving its day costs more than a visit to place soon waiting one day
    # (4,000) or the balance cost (3,600), less than one that also loses a try of its window (8,000).
    leave_day_cost: int = 6000
    # The month's plan fills each day's budget up to this share, so a try again fits on the next working
    # day (re-plans may use it all); 1 - the share nobody is at home. Off with `retry_day` in the fallback.
    first_plan_share: float = 0.85
    # A re-plan limited by solutions searches this share of them per worker solved again: the rest of the
    # month is placed already and kept by `leave_day_cost`. Measured on the demo's first night (ADR 0021):
    # a third of the search, travel and lateness 1.7% above the full search's, a fifth of the time.
    replan_share: float = 1 / 3
    # Seconds of wall clock after which a solve stopped by solutions stops anyway, its plan marked
    # (docs/adr/0024). None: routing's default, sized to each worker's problem; tests make it tiny.
    guard_seconds: float | None = None

    def __repr__(self) -> str:
        """The fields as a dataclass shows them, a field added later left out at its default: a plan's and a
        worker's fingerprints hold this text, and versions made before the field stay current (an unchanged
        month makes no new version, an unchanged worker is not solved again)."""
        values = ((f.name, getattr(self, f.name), f.default) for f in fields(self))
        shown = [f"{n}={v!r}" for n, v, default in values if n not in ADDED_LATER or v != default]
        return f"PlanningSettings({', '.join(shown)})"

    def for_replan(self) -> PlanningSettings:
        """The settings of a re-plan: `replan_share` of the solutions and of the ruin rounds, for every solve
        of the run (the workers solved again, their loosened solves, colleagues taking over), which starts
        from a month searched already. A time limit stays the operator's (`--time-per-worker`): a large
        worker's first solution alone may need most of it."""
        limit = self.solution_limit
        return replace(
            self,
            solution_limit=None if limit is None else max(1, math.ceil(limit * self.replan_share)),
            ruin_rounds=math.ceil(self.ruin_rounds * self.replan_share),
        )


@dataclass(frozen=True, slots=True)
class WorkerFacts:
    id: int
    mode: TravelMode
    start: tuple[float, float] | None
    work_start: time
    work_end: time
    minutes_per_day: int
    grid_paths: tuple[str, ...] = ()
    # A visitor makes their paired people's visits only: no grid, nobody's overflow (docs/adr/0029).
    visitor: bool = False


@dataclass(frozen=True, slots=True)
class Home:
    elder_id: int
    grid_id: int
    lon: float | None
    lat: float | None
    preferred: tuple[time, time] | None = None


@dataclass(frozen=True, slots=True)
class Agreed:
    """An appointment (预约): the person's next home visit on `day`, arriving between `start` and `end`."""

    appointment_id: int
    day: date
    start: time
    end: time


@dataclass(frozen=True, slots=True)
class WorkerMonth:
    """One worker's problem, and what is not routed: phone visits placed by day, visits with no day."""

    worker: WorkerFacts
    problem: routing.Problem
    owed_by_visit: dict[str, Owed]
    phone: list[tuple[Owed, date]] = field(default_factory=list)
    no_day: list[Owed] = field(default_factory=list)
    owed: tuple[Owed, ...] = ()
    days: tuple[date, ...] = ()
    offered: frozenset[str] = frozenset()  # visits of other grids' people this worker may take on
    # Appointments, by person, as the run read them (shared, never copied): every rebuild pins with them.
    appointments: Mapping[int, Agreed] = field(default_factory=dict)
    agreed: dict[str, Agreed] = field(default_factory=dict)  # visit -> the appointment that pins it here
    # Visits whose agreed day this worker does not work: offered to a colleague who does, at the agreed time.
    agreed_away: dict[str, Agreed] = field(default_factory=dict)


def visit_id(owed: Owed) -> str:
    """The routing problem's id of an owed visit (`VisitId` spelled as text)."""
    return str(VisitId.of(owed))


def seconds(t: time) -> int:
    return t.hour * 3600 + t.minute * 60


def stand_in(homes: list[Home], worker: WorkerFacts) -> tuple[float, float]:
    """Where to assume an unlocated home is: the middle of the grid's known homes, else the worker's start."""
    known = [(h.lon, h.lat) for h in homes if h.lon is not None and h.lat is not None]
    if known:
        return (sum(p[0] for p in known) / len(known), sum(p[1] for p in known) / len(known))
    return worker.start or (0.0, 0.0)


def build(
    worker: WorkerFacts,
    owed: list[Owed],
    homes: dict[int, Home],
    workdays: list[date],
    settings: PlanningSettings,
    offered: Sequence[Owed] = (),
    reserved: Mapping[date, int] | None = None,
    stay: Mapping[str, date] | None = None,
    soon: Collection[str] = (),
    share: float = 1.0,
    agreed: Mapping[int, Agreed] | None = None,
) -> WorkerMonth:
    """`offered`: home visits another worker could not fit; optional here, so the worker's own come first.
    `reserved`: minutes of a day already taken by visits kept outside the problem (a supervisor's pins).
    `stay`: the day each visit was planned on, which it keeps unless leaving it is worth `leave_day_cost`
    (a re-plan that does not reshuffle a worker's month). `soon`: visits to place as early as their window
    allows (a try again).
    `share`: how much of each day's budget the routes may take (the rest is room for tries again).
    `agreed`: appointments by person; each pins the person's first home visit whose window holds its day to
    that day, arriving inside its window, as a supervisor's pin keeps a visit (docs/adr/0019)."""
    days = list(workdays)
    budget = {d: worker.minutes_per_day - (reserved or {}).get(d, 0) for d in days}
    phone: list[tuple[Owed, date]] = []
    no_day: list[Owed] = []
    for o in sorted((o for o in owed if o.kind is VisitKind.PHONE), key=lambda o: (o.earliest, o.elder_id)):
        window = [d for d in days if o.earliest <= d <= o.latest]
        day = next((d for d in window if budget[d] >= settings.phone_minutes), window[0] if window else None)
        if day is None:
            no_day.append(o)
            continue
        budget[day] -= settings.phone_minutes
        phone.append((o, day))

    mine = [homes[o.elder_id] for o in [*owed, *offered]]
    fallback = stand_in(mine, worker)
    start = worker.start or fallback
    points = [routing.Location(*start)]
    index: dict[int, int] = {}
    for home in sorted({h.elder_id: h for h in mine}.values(), key=lambda h: h.elder_id):
        index[home.elder_id] = len(points)
        points.append(routing.Location(home.lon, home.lat) if home.lon is not None and home.lat is not None
                      else routing.Location(*fallback))  # fmt: skip
    mode = routing.TravelMode(worker.mode.value)
    matrices = routing.build_matrices(points, [mode])
    nearest = _nearest_minutes(matrices[0])
    visits = []
    owed_by_visit: dict[str, Owed] = {}
    homework = [o for o in owed if o.kind is VisitKind.HOME] + list(offered)
    offered_ids = frozenset(visit_id(o) for o in offered)
    appointments = agreed if agreed is not None else {}
    pinned, away = match_appointments(homework, appointments, days)
    for o in sorted(homework, key=lambda o: (o.earliest, o.elder_id, o.key)):
        window = [d for d in days if o.earliest <= d <= o.latest]
        allowed = frozenset(window)
        if settings.retry_day and len(allowed) > 1:
            allowed -= {max(allowed)}
        vid = visit_id(o)
        kept = stay.get(vid) if stay is not None else None
        home = homes[o.elder_id]
        preferred = None
        if home.preferred is not None:
            preferred = routing.Window(seconds(home.preferred[0]), seconds(home.preferred[1]))
        appointment = pinned.get(vid)
        if appointment is not None:
            # The agreed day and time, nothing else: what the person was told.
            allowed, window = frozenset({appointment.day}), [appointment.day]
            preferred = routing.Window(seconds(appointment.start), seconds(appointment.end))
            kept = None
        location = index[o.elder_id]
        owed_by_visit[vid] = o
        visits.append(
            routing.Visit(
                id=vid,
                location=location,
                service=settings.home_minutes * 60,
                days=allowed,
                window=preferred,
                # The daily budget counts time on site and the way there: the way to the nearest other home
                # stands in for the travel this visit adds to a route.
                load=settings.home_minutes + nearest[location],
                due=o.earliest,
                day_costs=()
                if appointment is not None
                else _day_costs(window, settings, soon=vid in soon, kept=kept if kept in allowed else None),
                penalty=OFFERED_PENALTY if vid in offered_ids else None,
            )
        )
    shifts = tuple(
        routing.Shift(str(worker.id), d, 0, seconds(worker.work_start), seconds(worker.work_end), mode,
                      capacity=max(int(budget[d] * share), 0))
        for d in days
    )  # fmt: skip
    problem = routing.Problem(tuple(visits), shifts, matrices)
    return WorkerMonth(
        worker, problem, owed_by_visit, phone, no_day, tuple(owed), tuple(days), offered_ids, appointments,
        pinned, away,
    )  # fmt: skip


def match_appointments(
    homework: Sequence[Owed], agreed: Mapping[int, Agreed], days: Sequence[date]
) -> tuple[dict[str, Agreed], dict[str, Agreed]]:
    """Which visit each appointment fixes: the person's first home visit (by window) whose window holds the
    agreed day. Pinned here when the worker works that day; else `away` (a colleague may keep it). An
    appointment before the problem's first day is past: it fixes nothing."""
    pinned: dict[str, Agreed] = {}
    away: dict[str, Agreed] = {}
    if not agreed or not days:
        return pinned, away
    working = frozenset(days)
    taken: set[int] = set()
    for o in sorted(homework, key=lambda o: (o.earliest, o.elder_id, o.key)):
        appointment = agreed.get(o.elder_id)
        if appointment is None or o.elder_id in taken or o.kind is not VisitKind.HOME:
            continue
        if appointment.day < min(days) or not o.earliest <= appointment.day <= o.latest:
            continue
        taken.add(o.elder_id)
        (pinned if appointment.day in working else away)[visit_id(o)] = appointment
    return pinned, away


def first_plan_share(settings: PlanningSettings) -> float:
    """The share of a day the month's plan may fill: all of it once the retry day is given up."""
    return settings.first_plan_share if settings.retry_day else 1.0


def _day_costs(
    window: list[date], settings: PlanningSettings, *, soon: bool, kept: date | None
) -> tuple[tuple[date, int], ...]:
    """What each day of a window costs: per working day short of `later_tries` after it, and for a visit to
    place soon per working day it waits. A visit `kept` on a day pays nothing there; any other day costs
    `leave_day_cost` and what it loses against that day (moving earlier is no reason to move)."""
    costs = {}
    for position, day in enumerate(window):
        short = max(0, settings.later_tries - (len(window) - 1 - position))
        waited = min(position, settings.later_tries) if soon else 0
        costs[day] = (short + waited) * settings.later_try_cost
    if kept is not None:
        base = costs[kept]
        costs = {d: 0 if d == kept else settings.leave_day_cost + max(0, c - base) for d, c in costs.items()}
    return tuple((d, c) for d, c in costs.items() if c)


def _nearest_minutes(matrix: routing.Matrix) -> list[int]:
    """Per location, the minutes to the nearest other one (0 alone). Row slices of the flat matrix: a city's
    problems ask for millions of entries."""
    n, seconds = matrix.size, matrix.seconds
    result = []
    for a in range(n):
        row = seconds[a * n : (a + 1) * n]
        result.append(round(min(row[:a] + row[a + 1 :], default=0) / 60))
    return result


def fingerprint(months: list[WorkerMonth], extra: dict[str, object]) -> str:
    """Same inputs, same digest: a re-run with nothing changed makes no new version."""
    digest: dict[str, object] = dict(extra)
    parts = defaultdict(list)
    for m in months:
        p = m.problem
        parts[str(m.worker.id)] = [
            [(v.id, v.location, v.service, sorted(str(d) for d in v.days or ()),
              v.window and (v.window.start, v.window.end), v.load, [(str(d), c) for d, c in v.day_costs])
             for v in p.visits],
            [(str(s.day), s.start, s.end, s.capacity, s.mode.value) for s in p.shifts],
            list(p.matrices[0].seconds) if p.matrices else [],
            [(visit_id(o), str(d)) for o, d in m.phone],
        ]  # fmt: skip
    digest["workers"] = parts
    return hashlib.sha256(json.dumps(digest, sort_keys=True, default=str).encode()).hexdigest()
