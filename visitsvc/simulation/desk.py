"""The office side of a simulated month: who is who, and what supervisors do at their desks (confirm the
status changes visits reported, record discharges, register newcomers), all through the services."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TypeVar

from visitsvc.access.scoping import Caller
from visitsvc.accounts import auth
from visitsvc.infrastructure.repositories.elders import ElderFilter
from visitsvc.infrastructure.uow import UnitOfWork
from visitsvc.kernel.errors import Conflict
from visitsvc.model.enums import AreaLevel, ElderStatus, Role
from visitsvc.oversight import review_queues
from visitsvc.register import areas, elder_reads, elders, workers
from visitsvc.register.elder_reads import ElderRead
from visitsvc.register.workers import WorkerRead
from visitsvc.simulation.draws import Draws

SYSTEM = Caller.system()
PAGE = 200
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Neighbour:
    """Someone on the register at the start: a newcomer is drawn to live near one of them."""

    grid_code: str
    location: tuple[float, float] | None
    address: str


@dataclass
class Cast:
    field_workers: list[WorkerRead]  # grid workers
    supervisors: list[Caller]
    _supervisor_of_grid: dict[str, Caller]
    neighbours: list[Neighbour]
    register_size: int
    visitors: list[WorkerRead] = field(default_factory=list)  # social workers, volunteers (docs/adr/0029)

    def supervisor_for(self, grid_code: str) -> Caller:
        """The supervisor nearest above the grid; the system where the area has none."""
        return self._supervisor_of_grid.get(grid_code, SYSTEM)


def read_cast(uow: UnitOfWork) -> Cast:
    staff = _all(
        lambda after: workers.list_workers(uow, caller=SYSTEM, active=True, limit=PAGE, after_id=after)
    )
    field_workers = sorted((w for w in staff if w.role is Role.GRID_WORKER), key=lambda w: w.id)
    supervisors = {
        w.area_code: auth.act_as(uow, caller=SYSTEM, worker_id=w.id)
        for w in sorted(staff, key=lambda w: w.id, reverse=True)  # the lowest id wins an area
        if w.role is Role.SUPERVISOR and w.area_code
    }
    tree = areas.list_areas(uow, caller=SYSTEM)
    parent = {a.code: a.parent_code for a in tree}
    of_grid = {}
    for grid in (a for a in tree if a.level is AreaLevel.GRID):
        code: str | None = grid.code
        while code is not None and code not in supervisors:
            code = parent.get(code)
        if code is not None:
            of_grid[grid.code] = supervisors[code]
    people = _all(
        lambda after: elder_reads.list_elders(
            uow, caller=SYSTEM, flt=ElderFilter(status=ElderStatus.ACTIVE), limit=PAGE, after_id=after
        )
    )
    neighbours = [_neighbour(e) for e in sorted(people, key=lambda e: e.id)]
    chosen = sorted(supervisors.values(), key=lambda c: c.worker_id or 0)
    visitors = sorted((w for w in staff if w.role is Role.VISITOR), key=lambda w: w.id)
    return Cast(field_workers, chosen, of_grid, neighbours, len(people), visitors)


def _all(page: Callable[[int | None], tuple[list[T], int | None]]) -> list[T]:
    items, after = page(None)
    while after is not None:
        more, after = page(after)
        items += more
    return items


def _neighbour(e: ElderRead) -> Neighbour:
    location = (e.lon, e.lat) if e.lon is not None and e.lat is not None else None
    return Neighbour(e.grid_code, location, e.address)


@dataclass
class DeskLog:
    confirmed: dict[str, int] = field(default_factory=dict)
    discharges: int = 0
    registrations: int = 0


def confirm_proposals(
    uow: UnitOfWork, cast: Cast, log: DeskLog, draws: Draws, seen: dict[int, date], month_first: date
) -> list[int]:
    """Each supervisor confirms the day's proposals of their area, effective from the day the stay, the death
    or the move began: after the person was last seen (`seen`), up to the day the visit found it. The system
    takes what no supervisor sees. The elders newly in hospital, for their discharge."""
    hospitalized = []
    for desk in [*cast.supervisors, SYSTEM]:
        for item in _pending(uow, desk):
            person = elder_reads.get_elder(uow, caller=desk, elder_id=item.elder.id)
            last_seen = seen.get(item.elder.id, month_first - timedelta(days=1))
            earliest = max(person.status_since, last_seen + timedelta(days=1))
            try:
                review_queues.confirm_proposal(
                    uow,
                    caller=desk,
                    proposal_id=item.id,
                    effective_date=draws.began(earliest, item.proposed_date),
                    note="模拟：核实属实",
                )
            except Conflict as exc:  # e.g. a second report of the same hospital stay: nothing more to change
                review_queues.reject_proposal(uow, caller=desk, proposal_id=item.id, note=exc.message)
                continue
            status = item.to_status.value
            log.confirmed[status] = log.confirmed.get(status, 0) + 1
            if item.to_status is ElderStatus.HOSPITALIZED:
                hospitalized.append(item.elder.id)
    return hospitalized


def _pending(uow: UnitOfWork, desk: Caller) -> list[review_queues.ProposalItem]:
    return _all(
        lambda after: review_queues.list_proposals(
            uow, caller=desk, area_code=None, limit=PAGE, after_id=after
        )
    )


def discharge(uow: UnitOfWork, cast: Cast, elder_ids: list[int], day: date, log: DeskLog) -> None:
    """Back home from hospital: the supervisor records it, and the 3-working-day rule starts."""
    for elder_id in elder_ids:
        person = elder_reads.get_elder(uow, caller=SYSTEM, elder_id=elder_id)
        if person.status is not ElderStatus.HOSPITALIZED:
            continue
        elders.change_status(
            uow,
            caller=cast.supervisor_for(person.grid_code),
            elder_id=elder_id,
            status=ElderStatus.ACTIVE,
            effective=day,
            reason="出院回家（模拟）",
        )
        log.discharges += 1


def register_newcomers(
    uow: UnitOfWork, cast: Cast, draws: Draws, day: date, workdays: int, log: DeskLog
) -> None:
    for _ in range(draws.registrations(cast.register_size, workdays)):
        near = draws.pick(cast.neighbours)
        for _attempt in range(5):  # a drawn ID number may already be taken
            data = draws.new_elder(near.grid_code, today=day, neighbour=near.location, address=near.address)
            try:
                elders.create_elder(uow, caller=cast.supervisor_for(near.grid_code), data=data)
            except Conflict:
                continue
            log.registrations += 1
            break
