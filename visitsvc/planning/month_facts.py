"""The policy's and the planner's view of people, read off the register: one translation for planning,
re-planning and coverage, whether they read a person as a register row (`Elder`) or as planning's column-only
value (`ElderRepository.for_planning`)."""

from __future__ import annotations

from datetime import date, time
from typing import Protocol

from visitsvc.kernel.month import Month
from visitsvc.model import AbilityLevel, Category, DisabilityGrade, ElderStatus, Willingness, Worker
from visitsvc.planning.policy import ElderFacts
from visitsvc.planning.route_problems import Home, WorkerFacts


class Person(Protocol):
    """What the translation reads of a person (an `Elder`, or a `PlanningPerson`)."""

    @property
    def id(self) -> int: ...
    @property
    def grid_id(self) -> int: ...
    @property
    def lon(self) -> float | None: ...
    @property
    def lat(self) -> float | None: ...
    @property
    def preferred_start(self) -> time | None: ...
    @property
    def preferred_end(self) -> time | None: ...
    @property
    def categories(self) -> frozenset[Category]: ...
    @property
    def ability_level(self) -> AbilityLevel | None: ...
    @property
    def disability_grade(self) -> DisabilityGrade | None: ...
    @property
    def willingness(self) -> Willingness: ...
    @property
    def refused_contact_on(self) -> date | None: ...
    @property
    def status(self) -> ElderStatus: ...
    @property
    def status_since(self) -> date: ...

    def age(self, today: date) -> int: ...


def elder_facts(
    elder: Person,
    month: Month,
    timeline: list[tuple[date, ElderStatus]],
    *,
    substituted_last_month: bool = False,
) -> ElderFacts:
    return ElderFacts(
        elder_id=elder.id,
        categories=elder.categories,
        ability_level=elder.ability_level,
        disability_grade=elder.disability_grade,
        age=elder.age(month.first),
        willingness=elder.willingness,
        registered_on=timeline[0][0] if timeline else elder.status_since,
        statuses=tuple(timeline) if timeline else ((elder.status_since, elder.status),),
        refused_contact_on=elder.refused_contact_on,
        substituted_last_month=substituted_last_month,
    )


def home_of(elder: Person) -> Home:
    preferred = None
    if elder.preferred_start and elder.preferred_end:
        preferred = (elder.preferred_start, elder.preferred_end)
    return Home(elder.id, elder.grid_id, elder.lon, elder.lat, preferred)


def worker_facts(worker: Worker, *, visitor: bool = False) -> WorkerFacts:
    start = None
    if worker.start_lon is not None and worker.start_lat is not None:
        start = (worker.start_lon, worker.start_lat)
    return WorkerFacts(
        worker.id,
        worker.travel_mode,
        start,
        worker.work_start,
        worker.work_end,
        worker.visit_minutes_per_day,
        tuple(g.path for g in worker.grids),
        visitor=visitor,
    )
