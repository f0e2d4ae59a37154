"""What the solver is asked: visits, worker-day shifts, travel matrices and options.

Times are integer seconds from midnight of the shift's day; days are `datetime.date`. Every value is a
frozen dataclass of plain values so that a `Problem` pickles small and travels to another process or a Dask
worker.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date

from routing.matrix import Matrix, TravelMode

# Penalty standing for "mandatory": so large that dropping only wins when no plan can include the visit, yet
# small enough that a few thousand of them still fit in OR-Tools' int64 objective.
MANDATORY_PENALTY = 10**11


@dataclass(frozen=True, slots=True)
class Window:
    """The interval in which a visit must *start* (seconds in the day), as in Solomon's VRPTW."""

    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Visit:
    """One visit owed: where, how long, when it may happen and what dropping it costs.

    `days`/`workers` of None mean "any"; an empty set means "none" (the visit is dropped with
    `no_allowed_day`). `penalty` None means mandatory. `due` is the day from which the visit is owed: each day
    later costs `Options.delay_cost`, so the month keeps slack at its end to re-plan a miss; None means the
    problem's first shift day. `day_costs` adds a cost of its own to given days (a day too late to try again
    after nobody was at home); days not listed add nothing.
    """

    id: str
    location: int
    service: int
    days: frozenset[date] | None = None
    workers: frozenset[str] | None = None
    window: Window | None = None
    penalty: int | None = None
    load: int = 0
    due: date | None = None
    day_costs: tuple[tuple[date, int], ...] = ()

    @property
    def mandatory(self) -> bool:
        return self.penalty is None

    @property
    def drop_penalty(self) -> int:
        return MANDATORY_PENALTY if self.penalty is None else self.penalty

    def allows(self, shift: Shift) -> bool:
        return (self.days is None or shift.day in self.days) and (
            self.workers is None or shift.worker_id in self.workers
        )


@dataclass(frozen=True, slots=True)
class Shift:
    """One worker on one day: a vehicle of the model. The route starts and ends at `location`."""

    worker_id: str
    day: date
    location: int
    start: int
    end: int
    mode: TravelMode = TravelMode.WALK
    capacity: int | None = None

    @property
    def key(self) -> ShiftKey:
        return (self.worker_id, self.day)


ShiftKey = tuple[str, date]
MIN_SOLUTIONS = 10  # a sized budget never stops a small problem before its first few improvements
# The wall-clock guard of a search stopped by solutions (docs/adr/0024): a safety net, not a budget. A descent
# of a city worker (34-190 visits) takes 0.1-0.5 s of CPU and a demo re-plan's 60 solutions 1.5-2.5 s, so this
# is tens of times what any measured solve needed even on a loaded machine; same seed, same plan below it.
GUARD_SECONDS = 60.0
GUARD_SECONDS_PER_VISIT = 0.5
STARTS = frozenset({"solver", "sweep"})


@dataclass(frozen=True, slots=True)
class Options:
    """How to search.

    A search stops at `time_limit` seconds, after `solution_limit` solutions, or after `solutions_per_visit`
    solutions for each visit of the problem (a budget that follows its size). The last two are reproducible
    (OR-Tools routing ignores random seeds, and a time limit stops at a machine-dependent point). `seed`
    permutes the order in which visits are given to the model, which changes insertion ties: same seed and
    limits, same plan; different seeds, different starting points. `workers` > 1 runs that many seeds
    (seed, seed+1, ...) in parallel processes and keeps the cheapest plan.

    `delay_cost` (per visit and day after its due day) fills the month from its start, keeping its end free
    for re-planning misses; `balance_cost` (per visit above a shift's even share of the problem) is larger
    than a month of delay, so days fill up to that share first rather than to their time limit. Benchmarks
    with a travel-only objective set both to 0.

    `ruins` > 0 adds that many rounds of ruin and recreate after the search: strings of neighbouring visits
    are taken out of the best routes and a greedy descent puts them back; the plan is never worse than the
    search's. Seeded by `seed`, so reproducible; with a `time_limit` the rounds stop at it too (pair it with
    `GREEDY_DESCENT`, which leaves them the time; guided local search would use all of it).
    """

    time_limit: float | None = 5.0
    solution_limit: int | None = None
    solutions_per_visit: float | None = None  # used when neither limit above is set
    seed: int = 0
    workers: int | None = None
    first_solution: str = "PARALLEL_CHEAPEST_INSERTION"
    metaheuristic: str = "GUIDED_LOCAL_SEARCH"
    delay_cost: int = 60
    balance_cost: int = 3600
    log_search: bool = False
    ruins: int = 0
    # Where the search starts when no warm start is given: "solver" (`first_solution`) or "sweep" (visits
    # grouped into days by their angle around the home, routing/_sweep.py; vehicles of one home only).
    start: str = "solver"
    # Expert knobs: (field path of OR-Tools' RoutingSearchParameters, value), e.g.
    # ("local_search_operators.use_cross_exchange", True) or ("guided_local_search_lambda_coefficient", 0.2).
    search_overrides: tuple[tuple[str, bool | int | float], ...] = ()
    # Seconds of wall clock after which a search without a time limit stops anyway (its plan then says so:
    # `Stats.guard_hit`). None: GUARD_SECONDS + GUARD_SECONDS_PER_VISIT per visit. A time limit is its own
    # clock and needs none.
    guard_seconds: float | None = None

    def guard(self, visits: int) -> float | None:
        """The wall-clock guard of a search of `visits` visits under these options; None with a time limit."""
        if self.time_limit is not None:
            return None
        if self.guard_seconds is not None:
            return self.guard_seconds
        return GUARD_SECONDS + GUARD_SECONDS_PER_VISIT * visits

    def __post_init__(self) -> None:
        if self.ruins < 0:
            raise ValueError("ruins must be 0 or more")
        if self.start not in STARTS:
            raise ValueError(f"start must be one of {sorted(STARTS)}")

    def sized_for(self, visits: int) -> Options:
        """These options, `solutions_per_visit` made the solution limit of a problem of `visits` visits."""
        if self.time_limit is not None or self.solution_limit is not None or self.solutions_per_visit is None:
            return self
        return replace(self, solution_limit=max(MIN_SOLUTIONS, math.ceil(self.solutions_per_visit * visits)))


@dataclass(frozen=True, slots=True)
class Prefix:
    """The first visits of a shift, fixed: today's route already started, or a past day (`closed`)."""

    worker_id: str
    day: date
    visit_ids: tuple[str, ...]
    closed: bool = False

    @property
    def key(self) -> ShiftKey:
        return (self.worker_id, self.day)


@dataclass(frozen=True, slots=True)
class Problem:
    """Visits to place on shifts, with one travel matrix per travel mode used by the shifts."""

    visits: tuple[Visit, ...]
    shifts: tuple[Shift, ...]
    matrices: tuple[Matrix, ...]
    _by_mode: dict[TravelMode, Matrix] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        by_mode = {m.mode: m for m in self.matrices}
        object.__setattr__(self, "_by_mode", by_mode)
        problems = list(_validate(self, by_mode))
        if problems:
            raise ValueError("invalid routing problem: " + "; ".join(problems[:5]))

    def matrix(self, mode: TravelMode) -> Matrix:
        return self._by_mode[mode]

    @property
    def first_day(self) -> date | None:
        return min((s.day for s in self.shifts), default=None)

    def due(self, visit: Visit) -> date | None:
        return visit.due if visit.due is not None else self.first_day


def _validate(problem: Problem, by_mode: dict[TravelMode, Matrix]) -> Iterable[str]:
    if len(by_mode) != len(problem.matrices):
        yield "two matrices for one travel mode"
    sizes = {m.size for m in problem.matrices}
    if len(sizes) > 1:
        yield "matrices of different sizes"
    size = sizes.pop() if sizes else 0
    ids = [v.id for v in problem.visits]
    if len(set(ids)) != len(ids):
        yield "duplicate visit ids"
    keys = [s.key for s in problem.shifts]
    if len(set(keys)) != len(keys):
        yield "two shifts for one worker and day"
    for v in problem.visits:
        if not 0 <= v.location < size:
            yield f"visit {v.id}: location {v.location} outside the matrix"
        if v.service < 0 or v.load < 0 or (v.penalty is not None and v.penalty < 0):
            yield f"visit {v.id}: negative service, load or penalty"
        if v.window is not None and v.window.start > v.window.end:
            yield f"visit {v.id}: window ends before it starts"
        if any(cost < 0 for _, cost in v.day_costs):
            yield f"visit {v.id}: negative day cost"
    for s in problem.shifts:
        if s.mode not in by_mode:
            yield f"shift {s.key}: no matrix for {s.mode}"
        if not 0 <= s.location < size:
            yield f"shift {s.key}: location {s.location} outside the matrix"
        if s.start > s.end:
            yield f"shift {s.key}: ends before it starts"
