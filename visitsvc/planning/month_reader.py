"""What planning and re-planning read of a month, as plain values: the area's people as the policy and the
planner see them, its active grid workers, their absences, and which worker each grid goes to.

Both runs read it inside their one short read transaction (docs/adr/0005); nothing here keeps an ORM row, so
the solve that follows, with no transaction open, works on values only.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from visitsvc.access.scoping import Scope
from visitsvc.infrastructure.uow import UnitOfWork
from visitsvc.kernel.clock import SHANGHAI
from visitsvc.kernel.month import Month
from visitsvc.kernel.workdays import WorkCalendar
from visitsvc.model import Role
from visitsvc.planning.area_policy import rules_by_path
from visitsvc.planning.month_facts import elder_facts, home_of, worker_facts
from visitsvc.planning.pairings import Partners
from visitsvc.planning.partner_reading import read_partners
from visitsvc.planning.policy import DEFAULT_RULES, ElderFacts, PeopleRules, PolicyRules
from visitsvc.planning.route_problems import Agreed, Home, WorkerFacts

ALL = 10_000_000  # a whole area in one page: planning looks at everybody at once


@dataclass(frozen=True, slots=True)
class Absence:
    worker_id: int
    first_day: date
    last_day: date


@dataclass(frozen=True, slots=True)
class MonthInputs:
    """Read once, never changed: the dicts are shared by every worker's problem, not copied."""

    month: Month
    calendar: WorkCalendar
    plan_made_on: date | None  # the day the month's first version was made
    elders: tuple[int, ...]  # the area's people, in register order
    facts: dict[int, ElderFacts]  # with last month's substitutions
    homes: dict[int, Home]
    grid_of: dict[int, tuple[int, str]]  # person -> (grid id, grid code)
    grid_path: dict[int, str]  # grid id -> its path
    workers: tuple[WorkerFacts, ...]  # the area's active grid workers, by id
    grid_worker: dict[int, int]  # grid id -> the first of its workers by id
    absences: tuple[Absence, ...]  # of those workers, overlapping the month
    agreed: dict[int, Agreed] = field(default_factory=dict)  # person -> their appointment from today on
    rules: PeopleRules = field(
        default_factory=PeopleRules
    )  # each person's: their grid's effective policy (docs/adr/0026)
    grid_rules: dict[str, PolicyRules] = field(default_factory=dict)  # grid path -> its effective policy
    partners: Partners = field(default_factory=Partners)  # pairings and their visitors (docs/adr/0029)

    def reach(self) -> dict[str, float]:
        """Per grid path, how far (minutes one way) a colleague may come for its people's overflow."""
        return {path: rules.reach_minutes for path, rules in self.grid_rules.items()}

    def away(self, days: Iterable[date]) -> dict[int, set[date]]:
        """Per worker with an absence, which of `days` it covers."""
        days = list(days)
        result: dict[int, set[date]] = {}
        for absence in self.absences:
            covered = (d for d in days if absence.first_day <= d <= absence.last_day)
            result.setdefault(absence.worker_id, set()).update(covered)
        return result


def read_month(
    uow: UnitOfWork, area_path: str, month: Month, rules: PolicyRules = DEFAULT_RULES
) -> MonthInputs:
    """The month of the area at `area_path`; call it inside `with uow:`. `rules` are the code's defaults,
    which the areas' settings override per grid."""
    scope = Scope((area_path,))
    workers = uow.workers.page(scope, role=Role.GRID_WORKER, active=True, limit=ALL, after_id=None)
    workers = sorted(workers, key=lambda w: w.id)
    elders = uow.elders.for_planning(scope)
    ids = [e.id for e in elders]
    timelines = uow.status_timelines.within(scope, ids)
    substituted_before = _substituted_last_month(uow, month)
    grid_worker: dict[int, int] = {}
    for worker in workers:
        for grid in worker.grids:
            grid_worker.setdefault(grid.id, worker.id)
    absences = uow.absences.overlapping([w.id for w in workers], month.first, month.last)
    grid_rules = rules_by_path(uow, {e.grid_path for e in elders}, rules)
    calendar = WorkCalendar(uow.calendar.days())
    return MonthInputs(
        month=month,
        calendar=calendar,
        plan_made_on=plan_made_on(uow, month),
        elders=tuple(ids),
        facts={
            e.id: elder_facts(e, month, timelines[e.id], substituted_last_month=e.id in substituted_before)
            for e in elders
        },
        homes={e.id: home_of(e) for e in elders},
        grid_of={e.id: (e.grid_id, e.grid_code) for e in elders},
        grid_path={e.grid_id: e.grid_path for e in elders},
        workers=tuple(worker_facts(w) for w in workers),
        grid_worker=grid_worker,
        absences=tuple(Absence(a.worker_id, a.first_day, a.last_day) for a in absences),
        agreed=agreed_in(uow, month, frozenset(ids)),
        rules=PeopleRules(rules, {e.id: grid_rules[e.grid_path] for e in elders}),
        grid_rules=grid_rules,
        partners=read_partners(uow, month, ids, calendar.workdays(month)),
    )


def agreed_in(uow: UnitOfWork, month: Month, people: frozenset[int]) -> dict[int, Agreed]:
    """The people's agreed appointments of the month from today on, the earliest per person (a new one
    cancels the person's earlier one, so there is one unless two were agreed at the same instant)."""
    first = max(month.first, uow.clock.today())
    if first > month.last:
        return {}
    result: dict[int, Agreed] = {}
    for a in uow.appointments.agreed_between(None, first, month.last):
        if a.elder_id in people and a.elder_id not in result and a.window_start and a.window_end:
            result[a.elder_id] = Agreed(a.id, a.day, a.window_start, a.window_end)
    return result


def plan_made_on(uow: UnitOfWork, month: Month) -> date | None:
    """The day the month's first plan version was made (obligations of people registered later differ)."""
    first = uow.plans.first(month)
    return first.created_at.astimezone(SHANGHAI).date() if first else None


def _substituted_last_month(uow: UnitOfWork, month: Month) -> set[int]:
    """Who had a home visit replaced by a call in last month's newest plan (not twice in a row)."""
    previous = uow.plans.latest(month.previous())
    return uow.plans.substituted_people(previous.id) if previous else set()
