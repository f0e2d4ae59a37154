"""A grid worker's day as the phone shows it: the current plan version's stops in order, what is known of
each person, how to get there, and what has been recorded so far.

Polled every few minutes from a weak signal, so it stays small (a 25-stop day under 30 KB) and reads a
fixed handful of queries whatever the number of stops. Showing a person's phone number, or their emergency
contact's (紧急联系人), to the worker who will call or visit them is audited once per worker, person, number
and day, not on every poll.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from itertools import pairwise
from typing import TypeAlias

import routing
from visitsvc.access.scoping import Caller, require_people_reader, require_supervisor
from visitsvc.accounts import audit
from visitsvc.field import navigation, route_changes
from visitsvc.field.route_changes import RouteChanges, in_route_order
from visitsvc.field.visit_input import FindingStatus
from visitsvc.infrastructure.uow import UnitOfWork
from visitsvc.kernel import idnumber
from visitsvc.kernel.clock import SHANGHAI
from visitsvc.kernel.errors import invalid_field
from visitsvc.kernel.masking import age_this_year
from visitsvc.kernel.month import Month
from visitsvc.kernel.phone_numbers import mask_phone
from visitsvc.model import (
    AbilityLevel,
    Category,
    Elder,
    FollowUp,
    PlannedVisit,
    PlanVersion,
    Sex,
    VisitKind,
    VisitOutcome,
    VisitRecord,
    Worker,
)
from visitsvc.planning.last_chance import is_last_chance, last_days
from visitsvc.planning.month_facts import elder_facts
from visitsvc.planning.policy import high_risk_reasons
from visitsvc.planning.route_problems import PlanningSettings

PHONE_SHOWN = "route.phone_shown"
EMERGENCY_PHONE_SHOWN = "route.emergency_phone_shown"
NOTES_SHOWN = 40  # characters: the register's notes can be long; a phone screen and 30 KB a day cannot
SERVICE = PlanningSettings()


@dataclass(frozen=True, slots=True)
class OpenFollowUp:
    id: int
    kind: str
    urgent: bool


@dataclass(frozen=True, slots=True)
class EmergencyContact:
    """紧急联系人: whom to call when the person cannot be found or needs help."""

    name: str | None  # not a number: shown as the register shows it
    phone: str | None  # unmasked on the worker's own stops and audited as the person's phone is


@dataclass(frozen=True, slots=True)
class StopElder:
    id: int
    name: str
    age: int
    sex: Sex
    categories: list[Category]
    ability_level: AbilityLevel | None
    address: str
    phone: str | None
    emergency_contact: EmergencyContact | None  # None when the register has neither a name nor a phone
    id_number: str  # always masked here
    risk_notes: list[str]
    notes: str | None
    open_follow_ups: list[OpenFollowUp]


@dataclass(frozen=True, slots=True)
class Point:
    lon: float
    lat: float


@dataclass(frozen=True, slots=True)
class StopLocation:
    lon: float  # WGS-84
    lat: float
    verified: bool
    gcj02: Point


@dataclass(frozen=True, slots=True)
class LastVisit:
    date: date
    kind: VisitKind
    outcome: VisitOutcome
    concerns: list[str]  # the findings marked concern or urgent


@dataclass(frozen=True, slots=True)
class StopAppointment:
    """预约: the time agreed with the person for this visit; the plan's arrival lies inside it."""

    id: int
    window_start: time
    window_end: time


@dataclass(frozen=True, slots=True)
class Stop:
    visit_id: int
    order: int
    kind: VisitKind
    planned_arrival: time | None
    service_minutes: int
    status: str  # pending | done | not_home | refused | ... (the day's latest outcome)
    elder: StopElder
    location: StopLocation | None
    nav: navigation.NavLinks | None
    last_visit: LastVisit | None
    # A home stop on the last working day its visit's window allows: nobody home means a call at once.
    last_chance: bool = False
    appointment: StopAppointment | None = None


@dataclass(frozen=True, slots=True)
class Totals:
    stops: int
    travel_minutes: int
    distance_km: float


Day: TypeAlias = date  # for the fields after DayRoute's own `date`


@dataclass(frozen=True, slots=True)
class DayRoute:
    date: date
    plan_version: int | None
    stops: list[Stop]
    totals: Totals
    # The phone's own route only: the first later day with stops, fetched ahead and opened on a day without.
    next_day: Day | None = None
    changes: RouteChanges | None = None  # only when asked, since a version older than the current one


def day_route(
    uow: UnitOfWork, *, caller: Caller, day: date | None = None, since_version: int | None = None
) -> DayRoute:
    require_people_reader(caller)
    with uow:
        day = day or uow.clock.today()
        try:
            month = Month.of(day)
        except ValueError:
            raise invalid_field("date", "日期超出范围") from None
        version = uow.plans.latest(month)
        then = route_changes.version_since(uow, month, version, since_version)
        worker = uow.workers.find_by_account_id(caller.worker_id) if caller.worker_id is not None else None
        if worker is None:
            return DayRoute(day, None, [], Totals(0, 0, 0.0))
        next_day = uow.plans.next_planned_day(worker.id, day, _current_versions(uow, version, month))
        if version is None:
            return DayRoute(day, None, [], Totals(0, 0, 0.0), next_day)
        planned = in_route_order(uow.visits.day_of(version.id, worker.id, day))
        changes = None if then is None else route_changes.day_changes(uow, then, worker.id, day, planned)
        ids = sorted({pv.elder_id for pv in planned})
        # The plan is the assignment: a person of another grid planned for this worker is theirs to see.
        elders = uow.elders.by_ids(ids)
        today_records = uow.visits.of_elders_since(ids, day)
        last = uow.visits.last_before(ids, day)
        follow_ups = uow.visits.open_follow_ups(ids)
        latest = _last_days(uow, month, planned, elders)
        agreed = _agreed(uow, ids, day)
        stops = [
            _stop(
                pv,
                n,
                elders[pv.elder_id],
                day,
                month,
                today_records,
                last.get(pv.elder_id),
                follow_ups,
                last_chance=_last_chance(pv, latest),
                appointment=agreed.get(pv.elder_id),
                visit_fields_only=caller.sees_visit_fields_only,
            )
            for n, pv in enumerate(planned, start=1)
        ]
        people = [elders[i] for i in ids]
        shown = {
            PHONE_SHOWN: [e for e in people if e.phone],
            EMERGENCY_PHONE_SHOWN: [
                e for e in people if e.emergency_phone and not caller.sees_visit_fields_only
            ],
        }
        unaudited: list[tuple[str, int, str]] = []
        for action, who in shown.items():
            unaudited += _not_yet_audited(uow, worker.id, action, who)
        route = DayRoute(day, version.number, stops, _totals(worker, stops), next_day, changes)
    if unaudited:
        # A transaction of its own that starts with its INSERTs: on SQLite, one that had read first could not
        # write after another request's commit (ADR 0006). Two polls at the same instant may both write.
        with uow:
            for action, elder_id, area_path in unaudited:
                audit.record(
                    uow,
                    caller,
                    action=action,
                    record_type="elder",
                    record_id=elder_id,
                    area_path=area_path,
                )
            uow.commit()
    return route


@dataclass(frozen=True, slots=True)
class WorkerDay:
    worker_id: int
    worker_name: str
    start: StopLocation | None  # where the worker sets out from, when known
    route: DayRoute
    hidden: int  # stops about people outside the caller's area (a visit handed over from another street)


def worker_day_route(uow: UnitOfWork, *, caller: Caller, worker_id: int, day: date) -> WorkerDay:
    """A worker's day as a supervisor sees it: the phone's stops in the phone's order, with phone numbers
    masked (so nothing is shown that needs an audit entry), and only the people of the caller's area."""
    require_supervisor(caller)
    try:
        month = Month.of(day)
    except ValueError:
        raise invalid_field("date", "日期超出范围") from None
    with uow:
        worker = uow.workers.get(caller.scope, worker_id)  # NotFound outside the scope
        start = None
        if worker.start_lon is not None and worker.start_lat is not None:
            glon, glat = navigation.gcj02(worker.start_lon, worker.start_lat)
            start = StopLocation(worker.start_lon, worker.start_lat, True, Point(glon, glat))
        version = uow.plans.latest(month)
        if version is None:
            return WorkerDay(worker.id, worker.name, start, DayRoute(day, None, [], Totals(0, 0, 0.0)), 0)
        planned = in_route_order(uow.visits.day_of(version.id, worker.id, day))
        visible = uow.elders.visible_ids(caller.scope, {pv.elder_id for pv in planned})
        ids = sorted(visible)
        elders = uow.elders.by_ids(ids)
        records = uow.visits.of_elders_since(ids, day)
        last = uow.visits.last_before(ids, day)
        follow_ups = uow.visits.open_follow_ups(ids)
        latest = _last_days(uow, month, [pv for pv in planned if pv.elder_id in visible], elders)
        agreed = _agreed(uow, ids, day)
        stops = [
            _stop(
                pv,
                n,
                elders[pv.elder_id],
                day,
                month,
                records,
                last.get(pv.elder_id),
                follow_ups,
                show_phone=False,
                last_chance=_last_chance(pv, latest),
                appointment=agreed.get(pv.elder_id),
            )
            for n, pv in enumerate(planned, start=1)
            if pv.elder_id in visible
        ]
        route = DayRoute(day, version.number, stops, _totals(worker, stops))
        return WorkerDay(worker.id, worker.name, start, route, len(planned) - len(stops))


def _last_days(
    uow: UnitOfWork, month: Month, planned: list[PlannedVisit], elders: dict[int, Elder]
) -> dict[int, dict[str, date]]:
    """The last day each home stop's visit allows; read only for the people with a home stop."""
    home = {pv.elder_id for pv in planned if pv.kind is VisitKind.HOME}
    return last_days(uow, month, [elders[i] for i in sorted(home)])


def _last_chance(pv: PlannedVisit, latest: dict[int, dict[str, date]]) -> bool:
    return pv.kind is VisitKind.HOME and is_last_chance(latest.get(pv.elder_id, {}), pv.day, pv.obligation)


def _current_versions(uow: UnitOfWork, current: PlanVersion | None, month: Month) -> list[int]:
    """Where a next day with stops is looked for: this month's current version and next month's (a day late
    in the month opens next month's plan). Older versions never count: their days were planned again."""
    try:
        following = uow.plans.latest(month.next())
    except ValueError:  # the last month there is
        following = None
    return [v.id for v in (current, following) if v is not None]


def _stop(
    pv: PlannedVisit,
    order: int,
    elder: Elder,
    day: date,
    month: Month,
    records: list[VisitRecord],
    last: VisitRecord | None,
    follow_ups: list[FollowUp],
    *,
    show_phone: bool = True,
    last_chance: bool = False,
    appointment: StopAppointment | None = None,
    visit_fields_only: bool = False,
) -> Stop:
    todays = [r for r in records if r.elder_id == elder.id and r.day == day]
    status = "pending"
    if todays:
        outcome = todays[-1].outcome
        status = "done" if outcome is VisitOutcome.VISITED else outcome.value
    location = None
    links = None
    if elder.lon is not None and elder.lat is not None:
        links = navigation.nav_links(elder.lon, elder.lat, str(order))
        glon, glat = navigation.gcj02(elder.lon, elder.lat)
        location = StopLocation(elder.lon, elder.lat, elder.location_verified, Point(glon, glat))
    return Stop(
        visit_id=pv.id,
        order=order,
        kind=pv.kind,
        planned_arrival=pv.arrival,
        service_minutes=SERVICE.home_minutes if pv.kind is VisitKind.HOME else SERVICE.phone_minutes,
        status=status,
        elder=_elder(
            elder,
            day,
            month,
            [f for f in follow_ups if f.elder_id == elder.id],
            show_phone,
            visit_fields_only,
        ),
        location=location,
        nav=links,
        last_visit=None if last is None else _last_visit(last),
        last_chance=last_chance,
        appointment=appointment if pv.kind is VisitKind.HOME else None,
    )


def _agreed(uow: UnitOfWork, elder_ids: list[int], day: date) -> dict[int, StopAppointment]:
    """The people's appointments agreed for `day` (one query for the whole day)."""
    return {
        a.elder_id: StopAppointment(a.id, a.window_start, a.window_end)
        for a in uow.appointments.agreed_between(elder_ids, day, day)
        if a.window_start is not None and a.window_end is not None
    }


def _elder(
    elder: Elder,
    day: date,
    month: Month,
    follow_ups: list[FollowUp],
    show_phone: bool = True,
    visit_fields_only: bool = False,
) -> StopElder:
    """`visit_fields_only`: a visitor's stop (Caller.sees_visit_fields_only), without the assessment and the
    emergency contact, which are the register's; risk notes say what a visit must watch for."""
    notes = elder.notes[:NOTES_SHOWN] if elder.notes else None
    return StopElder(
        id=elder.id,
        name=elder.name,
        age=age_this_year(
            elder.birth_date, day
        ),  # as masked: not the day the age changes (visitsvc/masking.py)
        sex=elder.sex,
        categories=sorted(elder.categories),
        ability_level=None if visit_fields_only else elder.ability_level,
        address=elder.address,
        # The worker's own stop: a call is a way to visit (audited in day_route); anyone else sees it masked.
        phone=_shown(elder.phone, show_phone),
        emergency_contact=None if visit_fields_only else _emergency_contact(elder, show_phone),
        id_number=idnumber.mask(elder.id_number),
        risk_notes=list(high_risk_reasons(elder_facts(elder, month, []))),
        notes=notes,
        open_follow_ups=[OpenFollowUp(f.id, f.kind, f.urgent) for f in follow_ups],
    )


def _shown(phone: str | None, unmasked: bool) -> str | None:
    return phone if unmasked or phone is None else mask_phone(phone)


def _emergency_contact(elder: Elder, show_phone: bool) -> EmergencyContact | None:
    # Null rather than two empty fields: a 25-stop day has to stay under 30 KB.
    if elder.emergency_contact is None and elder.emergency_phone is None:
        return None
    return EmergencyContact(elder.emergency_contact, _shown(elder.emergency_phone, show_phone))


def _last_visit(record: VisitRecord) -> LastVisit:
    concerns = sorted(
        area
        for area, finding in (record.findings or {}).items()
        if isinstance(finding, dict)
        and (finding.get("status") == FindingStatus.CONCERN.value or finding.get("urgent"))
    )
    return LastVisit(record.day, record.kind, record.outcome, concerns)


def _not_yet_audited(
    uow: UnitOfWork, worker_id: int, action: str, shown: list[Elder]
) -> list[tuple[str, int, str]]:
    """The people whose number `action` shows and who have no such entry by this worker today."""
    if not shown:
        return []
    midnight = datetime.combine(uow.clock.today(), time(), SHANGHAI).astimezone(UTC)
    done = uow.audit.record_ids_since(worker_id, action, midnight)
    return [(action, elder.id, elder.grid.path) for elder in shown if str(elder.id) not in done]


def _totals(worker: Worker, stops: list[Stop]) -> Totals:
    """Travel along the day's home stops in order, from the worker's start and back, at the speeds and
    detour of the routing matrices; a stop with no known location is left out of the way."""
    points = [
        routing.Location(s.location.lon, s.location.lat)
        for s in stops
        if s.kind is VisitKind.HOME and s.location is not None
    ]
    if worker.start_lon is not None and worker.start_lat is not None and points:
        start = routing.Location(worker.start_lon, worker.start_lat)
        points = [start, *points, start]
    metres = sum(routing.matrix.haversine_m(a, b) for a, b in pairwise(points))
    metres *= routing.DEFAULT_DETOUR
    speed = routing.SPEED_KMH[routing.TravelMode(worker.travel_mode.value)] / 3.6
    return Totals(len(stops), round(metres / speed / 60), round(metres / 1000, 2))
