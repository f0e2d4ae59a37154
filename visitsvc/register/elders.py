"""The elder register: create, correct, transfer, change status (reading it, masked unless audited, is
elder_reads)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy.exc import IntegrityError

from visitsvc.access.scoping import Caller, require_register_reader, require_register_writer
from visitsvc.accounts import audit
from visitsvc.infrastructure.uow import UnitOfWork
from visitsvc.kernel import masking
from visitsvc.kernel.errors import Conflict, Invalid
from visitsvc.kernel.geo import haversine_m
from visitsvc.model import (
    Area,
    AreaLevel,
    Category,
    Elder,
    ElderStatus,
    StatusChange,
)
from visitsvc.model.elder import id_number_index, kept_categories
from visitsvc.register import id_lookups
from visitsvc.register.elder_reads import ElderRead, to_read
from visitsvc.register.elder_validation import FIELD_NAMES, ElderData, normalize

FINAL_STATUSES = frozenset({ElderStatus.DECEASED})
MAX_FUTURE_EFFECTIVE = timedelta(days=31)
SAME_PLACE_M = 1.0  # closer than this, a corrected position is the same place: its verification stands


def _grid_for(uow: UnitOfWork, caller: Caller, code: str) -> Area:
    grid = next(iter(uow.areas.by_codes([code]).values()), None)
    if grid is None or grid.level is not AreaLevel.GRID or not caller.scope.covers(grid.path):
        raise Invalid("输入有误", errors={"grid_code": ["网格不存在或不在您的管辖范围内"]})
    return grid


def _raise_if_registered(
    uow: UnitOfWork, caller: Caller, id_number: str, *, route: id_lookups.Route, except_id: int | None = None
) -> None:
    other = uow.elders.find_by_id_number(id_number)
    if other is not None and other.id != except_id and caller.scope.covers(other.grid.path):
        raise Conflict(
            "该身份证号已登记", code="already_registered", errors={"id_number": [f"已登记，编号 {other.id}"]}
        )
    id_lookups.refuse_when_spent(uow, caller)  # from here on the answer is about the whole register
    if other is None or other.id == except_id:
        return
    id_lookups.answer(uow, caller, [(id_number, None)], route=route)
    # Neither where nor who: the register of another area is not the caller's to see.
    raise Conflict("该身份证号已在其他地区登记", code="registered_elsewhere")


def apply(elder: Elder, data: ElderData, grid: Area, *, today: date, at: datetime) -> dict[str, list[Any]]:
    """Write validated data onto an elder; give back what changed as {field: [old, new]} for the audit."""
    changes: dict[str, list[Any]] = {}

    def put(name: str, value: Any) -> None:
        old = getattr(elder, name, None)
        if old != value:
            changes[name] = [_audit_value(name, old), _audit_value(name, value)]
            setattr(elder, name, value)

    placed = (elder.lon, elder.lat) if getattr(elder, "id", None) is not None else None
    for name in FIELD_NAMES:
        if name in ("grid_code", "categories", "datum"):
            continue
        put(name, getattr(data, name))
    if placed is None or moved(placed, (elder.lon, elder.lat)):
        # A position typed in (imported, registered or corrected) is a guess until a home visit stands at it
        # (field/home_location.py); an entry registered before that rule keeps the flag it has.
        if elder.location_verified:
            changes["location_verified"] = [True, False]
        elder.location_verified = False
    if getattr(elder, "grid_id", None) != grid.id:
        old_code = elder.grid.code if getattr(elder, "grid_id", None) else None
        changes["grid_code"] = [old_code, grid.code]
        elder.grid = grid
        elder.grid_id = grid.id
    before = sorted(elder.categories) if elder.category_rows else []
    elder.set_categories(data.categories, today=today)
    after = sorted(elder.categories)
    if before != after:
        changes["categories"] = [[c.value for c in before], [c.value for c in after]]
    if changes:
        elder.updated_at = at
    return changes


@dataclass(frozen=True, slots=True)
class Registration:
    """A new register entry as `apply` writes it onto a new Elder, without building one: its row's values,
    its categories and the changes its audit entry records. An import registers tens of thousands at once,
    and the ORM's bookkeeping for each would cost more than all the rest of the import."""

    values: dict[str, Any]
    categories: frozenset[Category]
    changes: dict[str, list[Any]]


# The fields of ElderData stored in a column of the same name, in the order `apply` writes them.
COLUMN_FIELDS = tuple(name for name in FIELD_NAMES if name not in ("grid_code", "categories", "datum"))


def registration(data: ElderData, grid: Area, *, today: date, at: datetime) -> Registration:
    """What `apply` gives for a new person (tests/unit/test_registration.py holds the two together): every
    field given is a change from nothing; the position is unverified; the grid and the categories are set."""
    values: dict[str, Any] = {name: getattr(data, name) for name in COLUMN_FIELDS}
    changes = {name: [None, _audit_value(name, v)] for name, v in values.items() if v is not None}
    changes["grid_code"] = [None, grid.code]
    categories = kept_categories(data.categories, data.birth_date, today)
    if categories:
        changes["categories"] = [[], [c.value for c in sorted(categories)]]
    values.update(
        id_number_index=id_number_index(data.id_number),
        location_verified=False,
        grid_id=grid.id,
        status=ElderStatus.ACTIVE,
        status_since=today,
        created_at=at,
        updated_at=at,
        version=1,
    )
    return Registration(values, categories, changes)


def moved(before: tuple[float | None, float | None], after: tuple[float | None, float | None]) -> bool:
    """A new position, not the same one written again: an export's seven decimals read back (about 1 cm off a
    position a visit proposed) leave a confirmed home confirmed."""
    (lon0, lat0), (lon1, lat1) = before, after
    if lon0 is None or lat0 is None or lon1 is None or lat1 is None:
        return (lon0, lat0) != (lon1, lat1)
    return haversine_m(lon0, lat0, lon1, lat1) > SAME_PLACE_M


def _audit_value(name: str, value: Any) -> Any:
    if value is None:
        return None
    if name in masking.SENSITIVE_FIELDS:  # the audit holds no more than a masked view shows
        return masking.mask_field(name, value)
    if isinstance(value, date | time):
        return value.isoformat()
    return value.value if hasattr(value, "value") else value


def create_elder(uow: UnitOfWork, *, caller: Caller, data: ElderData) -> ElderRead:
    require_register_writer(caller)
    with uow:
        today = uow.clock.today()
        clean, errors = normalize(data, today=today)
        if errors:
            raise Invalid("输入有误", errors=dict(errors))
        grid = _grid_for(uow, caller, clean.grid_code)
        _raise_if_registered(uow, caller, clean.id_number, route=id_lookups.Route.CREATE)
        now = uow.clock.now()
        elder = Elder(status=ElderStatus.ACTIVE, status_since=today, created_at=now, updated_at=now)
        elder.category_rows = []
        changes = apply(elder, clean, grid, today=today, at=now)
        uow.elders.add(elder)
        try:
            uow.flush()
        except IntegrityError as exc:  # a concurrent registration of the same person
            raise Conflict("该身份证号已登记", code="already_registered") from exc
        uow.elders.add_status_change(registration_entry(elder, caller, at=now))
        audit.record(
            uow,
            caller,
            action="elder.create",
            record_type="elder",
            record_id=elder.id,
            area_path=grid.path,
            details={"changes": changes},
        )
        uow.commit()
        return to_read(elder, today=today, unmasked=False)


def registration_entry(elder: Elder, caller: Caller, *, at: datetime) -> StatusChange:
    """Registration opens the status history, so every state an elder was in has an author and a date."""
    return StatusChange(**registration_entry_values(elder.id, elder.status_since, caller, at=at))


def registration_entry_values(elder_id: int, since: date, caller: Caller, *, at: datetime) -> dict[str, Any]:
    """The columns of a registration entry, for an import that writes rows rather than objects."""
    return {
        "elder_id": elder_id,
        "from_status": None,
        "to_status": ElderStatus.ACTIVE,
        "effective_date": since,
        "reason": "登记入册",
        "author_id": caller.worker_id,
        "recorded_at": at,
    }


def update_elder(
    uow: UnitOfWork,
    *,
    caller: Caller,
    elder_id: int,
    changes: dict[str, Any],
    expected_version: int | None = None,
) -> ElderRead:
    """Correct a register entry. Changing the grid is a transfer: the caller must see both grids."""
    require_register_writer(caller)
    unknown = set(changes) - set(FIELD_NAMES)
    if unknown:
        raise Invalid("输入有误", errors={name: ["未知字段"] for name in sorted(unknown)})
    with uow:
        today, now = uow.clock.today(), uow.clock.now()
        elder = uow.elders.get(caller.scope, elder_id)
        _refuse_if_pseudonymised(elder)
        if expected_version is not None and expected_version != elder.version:
            raise Conflict("记录已被他人修改，请刷新后重试", code="stale_version")
        current = current_data(elder)
        if "lon" in changes or "lat" in changes:
            current = replace(current, datum=changes.get("datum", current.datum))
        merged = replace(current, **changes)
        clean, errors = normalize(merged, today=today)
        if errors:
            raise Invalid("输入有误", errors=dict(errors))
        old_path = elder.grid.path
        grid = elder.grid if clean.grid_code == elder.grid.code else _grid_for(uow, caller, clean.grid_code)
        if clean.id_number != elder.id_number:
            _raise_if_registered(
                uow, caller, clean.id_number, route=id_lookups.Route.UPDATE, except_id=elder.id
            )
        diff = apply(elder, clean, grid, today=today, at=now)
        if diff:
            action = "elder.transfer" if "grid_code" in diff else "elder.update"
            audit.record(
                uow,
                caller,
                action=action,
                record_type="elder",
                record_id=elder.id,
                area_path=old_path,
                details={"changes": diff},
            )
            if action == "elder.transfer":
                audit.record(
                    uow,
                    caller,
                    action=action,
                    record_type="elder",
                    record_id=elder.id,
                    area_path=grid.path,
                    details={"changes": diff},
                )
        try:
            uow.commit()
        except IntegrityError as exc:
            raise Conflict("该身份证号已登记", code="already_registered") from exc
        return to_read(elder, today=today, unmasked=False)


def current_data(elder: Elder) -> ElderData:
    return ElderData(
        name=elder.name,
        id_number=elder.id_number,
        sex=elder.sex,
        birth_date=elder.birth_date,
        address=elder.address,
        grid_code=elder.grid.code,
        categories=elder.categories - {Category.VERY_OLD},
        phone=elder.phone,
        lon=elder.lon,
        lat=elder.lat,
        ability_level=elder.ability_level,
        disability_grade=elder.disability_grade,
        emergency_contact=elder.emergency_contact,
        emergency_phone=elder.emergency_phone,
        willingness=elder.willingness,
        preferred_start=elder.preferred_start,
        preferred_end=elder.preferred_end,
        notes=elder.notes,
    )


@dataclass(frozen=True, slots=True)
class StatusChangeRead:
    id: int
    from_status: ElderStatus | None
    to_status: ElderStatus
    effective_date: date
    reason: str
    author_id: int | None
    recorded_at: datetime


def change_status(
    uow: UnitOfWork, *, caller: Caller, elder_id: int, status: ElderStatus, effective: date, reason: str
) -> StatusChangeRead:
    require_register_writer(caller)
    with uow:
        elder = uow.elders.get(caller.scope, elder_id)
        change = apply_status_change(uow, caller, elder, status=status, effective=effective, reason=reason)
        uow.commit()
        return _status_read(change)


def apply_status_change(
    uow: UnitOfWork, caller: Caller, elder: Elder, *, status: ElderStatus, effective: date, reason: str
) -> StatusChange:
    """The status change itself, checked, kept in the history and audited, inside the caller's unit of work
    (which commits it): the one way an elder's status changes, a confirmed proposal included."""
    require_register_writer(caller)
    _refuse_if_pseudonymised(elder)
    reason = reason.strip()
    today = uow.clock.today()
    errors: dict[str, list[str]] = {}
    if not reason:
        errors["reason"] = ["须填写原因"]
    if effective > today + MAX_FUTURE_EFFECTIVE:
        errors["effective_date"] = ["生效日期不能晚于一个月后"]
    if effective < elder.birth_date:
        errors["effective_date"] = ["生效日期早于出生日期"]
    if errors:
        raise Invalid("输入有误", errors=errors)
    if status is elder.status:
        raise Conflict("状态未变化", code="same_status", errors={"status": ["与当前状态相同"]})
    if elder.status in FINAL_STATUSES:
        raise Conflict("已故人员的状态不能再变更", code="final_status")
    if effective < elder.status_since:
        raise Conflict(
            "生效日期早于上一次状态变更",
            code="effective_before_last_change",
            errors={"effective_date": [f"不得早于 {elder.status_since.isoformat()}"]},
        )
    old = elder.status
    change = elder.change_status(
        status, effective=effective, reason=reason, by=caller.worker_id, at=uow.clock.now()
    )
    uow.elders.add_status_change(change)
    uow.flush()
    audit.record(
        uow,
        caller,
        action="elder.status",
        record_type="elder",
        record_id=elder.id,
        area_path=elder.grid.path,
        details={
            "changes": {"status": [old.value, status.value]},
            "effective_date": effective.isoformat(),
            "reason": reason,
        },
    )
    return change


def _refuse_if_pseudonymised(elder: Elder) -> None:
    """After the retention period the entry is a statistic, not a person: it cannot be re-identified."""
    if elder.pseudonymised_at is not None:
        raise Conflict("该人员信息已按保存期限匿名化，不能修改", code="pseudonymised")


def _status_read(change: StatusChange) -> StatusChangeRead:
    return StatusChangeRead(
        id=change.id,
        from_status=change.from_status,
        to_status=change.to_status,
        effective_date=change.effective_date,
        reason=change.reason,
        author_id=change.author_id,
        recorded_at=change.recorded_at,
    )


def status_history(uow: UnitOfWork, *, caller: Caller, elder_id: int) -> list[StatusChangeRead]:
    require_register_reader(caller)
    with uow:
        elder = uow.elders.get(caller.scope, elder_id)
        return [_status_read(c) for c in uow.elders.history(elder.id)]
