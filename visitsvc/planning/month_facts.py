"""The policy's and the planner's view of people, read off the register: one translation for planning,
re-planning and coverage."""

from __future__ import annotations

from datetime import date

from visitsvc.kernel.month import Month
from visitsvc.model import Elder, ElderStatus, Worker
from visitsvc.planning.policy import ElderFacts
from visitsvc.planning.route_problems import Home, WorkerFacts


def elder_facts(
    elder: Elder,
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


def home_of(elder: Elder) -> Home:
    preferred = None
    if elder.preferred_start and elder.preferred_end:
        preferred = (elder.preferred_start, elder.preferred_end)
    return Home(elder.id, elder.grid_id, elder.lon, elder.lat, preferred)


def worker_facts(worker: Worker) -> WorkerFacts:
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
    )
