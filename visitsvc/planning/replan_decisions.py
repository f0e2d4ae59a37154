"""What a re-plan keeps and what it plans again, decided per owed visit (docs/adr/0009).

Pure: the current version's rows, the recorded attempts and each person's coverage in, a decision out.

- Rows on days up to `today` are frozen, except a re-planned worker's rows of `today` with nothing recorded
  when that worker is absent today (the same-morning absence): those are released.
- Pinned rows (a supervisor's moves) are kept on every day.
- An unsettled obligation with a kept row today not yet tried is pending, and one with a pinned row later is
  decided;
  every other one is planned again on the working days after `today` inside its settling window, by the
  worker holding its next planned visit, else by its grid's worker. A holder outside the run keeps it.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

import routing
from visitsvc.kernel.month import Month
from visitsvc.model import UnplannedVisit
from visitsvc.planning.coverage import Attempt, ElderCoverage, settling_window
from visitsvc.planning.plan_rows import MissingRow, NewVisit, PlanRow
from visitsvc.planning.policy import Owed
from visitsvc.planning.route_problems import WorkerMonth
from visitsvc.planning.visit_ids import VisitId

Key = tuple[int, str]  # (elder, obligation)


@dataclass
class Decision:
    kept: list[PlanRow] = field(default_factory=list)  # rows the new version carries unchanged
    dropped: list[PlanRow] = field(default_factory=list)  # future rows of re-planned workers
    released: list[PlanRow] = field(default_factory=list)  # today's rows of a worker absent today
    owed: dict[int, list[Owed]] = field(default_factory=lambda: defaultdict(list))  # worker -> to plan
    no_day: dict[int | None, list[Owed]] = field(default_factory=lambda: defaultdict(list))  # owner -> owed
    owner: dict[Key, int | None] = field(default_factory=dict)  # every obligation looked at
    given_up: dict[Key, Owed] = field(default_factory=dict)  # obligations of released rows, whole window


def decide(
    rows: Sequence[PlanRow],
    people: Iterable[tuple[ElderCoverage, int | None]],  # (coverage, the grid's worker)
    attempts: dict[int, list[Attempt]],
    *,
    month: Month,
    today: date,
    future: Sequence[date],
    active: dict[int, frozenset[date]],
    replanned: frozenset[int],
    absent_today: frozenset[int],
) -> Decision:
    """`replanned`: workers whose days after today may be solved again (others' rows are all kept)."""
    result = Decision()
    by_key: dict[Key, list[PlanRow]] = defaultdict(list)
    for row in rows:
        by_key[(row.elder_id, row.obligation)].append(row)
        if row.pinned or row.worker_id not in replanned:
            result.kept.append(row)
        elif row.day > today:
            result.dropped.append(row)
        elif row.day == today and row.worker_id in absent_today and not _tried(row, attempts, today):
            result.released.append(row)
        else:
            result.kept.append(row)
    kept = {id(r) for r in result.kept}
    released = {id(r) for r in result.released}
    for person, grid_worker in people:
        for item in person.unsettled:
            key = (item.elder_id, item.key)
            mine = by_key.get(key, [])
            waiting = [r for r in mine if id(r) in kept and r.day == today and not _tried(r, attempts, today)]
            if waiting or any(id(r) in kept and r.pinned and r.day > today for r in mine):
                result.owner[key] = next(r.worker_id for r in mine if id(r) in kept)
                continue  # pending today, or a supervisor's decision
            later = [r for r in sorted(mine, key=lambda r: r.day) if r.day > today or id(r) in released]
            if any(id(r) in released for r in mine):
                result.given_up[key] = item
            holder = later[0].worker_id if later else None
            # The holder keeps it, also one outside the run (another area's, or no longer active): planning it
            # again here would plan it twice.
            owner = holder if holder is not None else grid_worker
            result.owner[key] = owner
            if owner not in replanned and owner is not None:
                continue
            first, last = settling_window(item, month)
            days = [d for d in future if first <= d <= last and d in active[item.elder_id]]
            if owner is not None and days:
                result.owed[owner].append(replace(item, earliest=days[0], latest=days[-1]))
            elif not any(id(r) in kept for r in mine):
                # Never planned, or only on a released day: named as unplanned. A past miss is not: coverage
                # reports it as missed.
                result.no_day[owner].append(item)
    return result


def handed_over(decision: Decision, taken: Mapping[Key, int]) -> Decision:
    """The decision once colleagues took `taken` on today (obligation -> colleague): those are no longer to
    plan nor unplanned, and they are the colleagues'. A new decision; `decision` stays as it was."""

    def left(lists: Mapping[Any, list[Owed]]) -> defaultdict[Any, list[Owed]]:
        result: defaultdict[Any, list[Owed]] = defaultdict(list)
        for holder, items in lists.items():
            result[holder] = [o for o in items if (o.elder_id, o.key) not in taken]
        return result

    return replace(
        decision, owed=left(decision.owed), no_day=left(decision.no_day), owner={**decision.owner, **taken}
    )


def _tried(row: PlanRow, attempts: dict[int, list[Attempt]], today: date) -> bool:
    return any(
        a.day == today and a.obligation in (row.obligation, None) for a in attempts.get(row.elder_id, [])
    )


def warm_plan(month: WorkerMonth, rows: list[PlanRow]) -> routing.Plan:
    """The current plan's routes of this worker, as far as the new problem still holds their visits."""
    known = {v.id for v in month.problem.visits}
    by_day: dict[date, list[PlanRow]] = defaultdict(list)
    for row in sorted(rows, key=lambda r: (r.day, r.seq)):
        if str(VisitId.of_row(row)) in known:
            by_day[row.day].append(row)
    worker = str(month.worker.id)
    routes = tuple(
        routing.Route(worker, day, tuple(routing.Stop(str(VisitId.of_row(r)), 0) for r in stops), 0)
        for day, stops in sorted(by_day.items())
    )
    return routing.Plan(
        routes, (), routing.Objective(0, 0, 0), routing.Stats(0.0, None, routing.Status.FEASIBLE)
    )


def same_rows(
    before: list[PlanRow],
    before_unplanned: list[MissingRow],
    visits: list[NewVisit],
    unplanned: list[UnplannedVisit],
) -> bool:
    """Would the new version hold exactly what the current one holds? Then there is none."""

    def planned(rows: list[PlanRow] | list[NewVisit]) -> list[tuple[Any, ...]]:
        return sorted(
            (r.elder_id, r.obligation, r.worker_id, r.day, r.seq, str(r.arrival), r.kind.value, r.substituted,
             r.moved, r.pinned)
            for r in rows
        )  # fmt: skip

    def missing(rows: list[MissingRow] | list[UnplannedVisit]) -> list[tuple[Any, ...]]:
        return sorted((u.elder_id, u.obligation, u.grid_id, u.kind.value, u.reason) for u in rows)

    return planned(before) == planned(visits) and missing(before_unplanned) == missing(unplanned)


def changes(
    previous: list[PlanRow], released: list[PlanRow], visits: list[NewVisit], today: date
) -> dict[str, int]:
    """Per owed visit (person and obligation): where it was after today (or released today), where it is
    after today (or, released, with a colleague today)."""
    before: dict[tuple[int, str], set[tuple[int, date]]] = defaultdict(set)
    after: dict[tuple[int, str], set[tuple[int, date]]] = defaultdict(set)
    for r in [*(r for r in previous if r.day > today), *released]:
        before[(r.elder_id, r.obligation)].add((r.worker_id, r.day))
    inside = {r.elder_id for r in previous}
    given_up = {(r.elder_id, r.obligation) for r in released}
    for v in visits:
        key = (v.elder_id, v.obligation)
        later = v.day > today and (v.elder_id in inside or key in before)
        if later or (v.day == today and key in given_up):
            after[key].add((v.worker_id, v.day))
    counts: Counter[str] = Counter()
    for key in before.keys() | after.keys():
        if key not in after:
            counts["removed"] += 1
        elif key not in before:
            counts["added"] += 1
        elif before[key] != after[key]:
            counts["moved"] += 1
    return {k: counts[k] for k in ("moved", "added", "removed")}
