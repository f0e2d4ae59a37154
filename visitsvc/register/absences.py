"""Worker absences: supervisors record them for their workers, a worker reports their own sick days."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from visitsvc.access.scoping import FIELD_ROLES, Caller, require_register_reader, require_register_writer
from visitsvc.accounts import audit
from visitsvc.infrastructure.uow import UnitOfWork
from visitsvc.kernel.errors import Conflict, Invalid, NotFound
from visitsvc.model import Absence, AbsenceKind

MAX_LENGTH = timedelta(days=366)


@dataclass(frozen=True, slots=True)
class AbsenceRead:
    id: int
    worker_id: int
    first_day: date
    last_day: date
    kind: AbsenceKind
    note: str | None
    created_at: datetime

    def covers(self, day: date) -> bool:
        return self.first_day <= day <= self.last_day


def _read(a: Absence) -> AbsenceRead:
    return AbsenceRead(a.id, a.worker_id, a.first_day, a.last_day, a.kind, a.note, a.created_at)


def list_absences(uow: UnitOfWork, *, caller: Caller, worker_id: int) -> list[AbsenceRead]:
    require_register_reader(caller)
    with uow:
        worker = uow.workers.get(caller.scope, worker_id)
        return [_read(a) for a in uow.absences.of_worker(worker.id)]


def add_absence(
    uow: UnitOfWork,
    *,
    caller: Caller,
    worker_id: int,
    first_day: date,
    last_day: date,
    kind: AbsenceKind,
    note: str | None = None,
) -> AbsenceRead:
    """Supervisors for workers of their area; a grid worker or a visitor for themself (a sick day reported in
    the morning): a visitor's scope holds people, not colleagues, so their own account is read as such."""
    own = caller.worker_id == worker_id
    if not own:
        require_register_writer(caller)
    with uow:
        found = uow.workers.find_by_account_id(worker_id) if own else uow.workers.get(caller.scope, worker_id)
        if found is None:
            raise NotFound("人员不存在")
        worker = found
        if worker.role not in FIELD_ROLES:
            raise Invalid("输入有误", errors={"worker_id": ["只能为网格员或探访人员登记请假"]})
        today = uow.clock.today()
        errors: dict[str, list[str]] = {}
        if last_day < first_day:
            errors["last_day"] = ["结束日期不能早于开始日期"]
        elif last_day - first_day > MAX_LENGTH:
            errors["last_day"] = ["一次最长一年"]
        if first_day < today - timedelta(days=31):
            errors["first_day"] = ["不能登记一个月以前的请假"]
        if errors:
            raise Invalid("输入有误", errors=errors)
        if uow.absences.overlapping([worker.id], first_day, last_day):
            raise Conflict(
                "与已登记的请假重叠", code="overlapping_absence", errors={"first_day": ["与已登记的请假重叠"]}
            )
        absence = Absence(
            worker_id=worker.id,
            first_day=first_day,
            last_day=last_day,
            kind=kind,
            note=(note or "").strip() or None,
            created_by=caller.worker_id,
            created_at=uow.clock.now(),
        )
        uow.absences.add(absence)
        audit.record(
            uow,
            caller,
            action="absence.create",
            record_type="worker",
            record_id=worker.id,
            area_path=worker.grids[0].path if worker.grids else "/",
            details={
                "first_day": first_day.isoformat(),
                "last_day": last_day.isoformat(),
                "kind": kind.value,
            },
        )
        uow.commit()
        return _read(absence)


def delete_absence(uow: UnitOfWork, *, caller: Caller, worker_id: int, absence_id: int) -> None:
    """Only before it starts: a past absence explains past plans and stays."""
    if caller.worker_id != worker_id:
        require_register_writer(caller)
    with uow:
        worker = uow.workers.get(caller.scope, worker_id)
        absence = uow.absences.get(worker.id, absence_id)
        if absence.first_day <= uow.clock.today():
            raise Conflict("请假已开始，不能删除", code="absence_started")
        uow.absences.remove(absence)
        audit.record(
            uow,
            caller,
            action="absence.delete",
            record_type="worker",
            record_id=worker.id,
            area_path=worker.grids[0].path if worker.grids else "/",
            details={"first_day": absence.first_day.isoformat(), "last_day": absence.last_day.isoformat()},
        )
        uow.commit()
