"""Accounts of grid workers, visitors (社工, 志愿者, 服务机构人员, 公益性岗位), organisations' coordinators,
supervisors and admins: created and changed by those above them, within their area."""

from __future__ import annotations

import re
from dataclasses import dataclass, fields, replace
from datetime import datetime, time
from typing import Any

from visitsvc.access.scoping import Caller, filing_path, require_register_writer, require_role
from visitsvc.accounts import audit
from visitsvc.accounts.auth import hash_password
from visitsvc.infrastructure.uow import UnitOfWork
from visitsvc.kernel import geo, idnumber, phone_numbers
from visitsvc.kernel.errors import Conflict, Forbidden, Invalid, NotFound
from visitsvc.model import Area, AreaLevel, Role, TravelMode, VisitorKind, VisitorProfile, Worker
from visitsvc.model.worker import DEFAULT_WORK_END, DEFAULT_WORK_START

ACCOUNT = re.compile(r"^[A-Za-z0-9_.-]{2,50}$")
WEEKDAYS = re.compile(r"^[1-7]{1,7}$")
# A visitor's or a coordinator's fields, kept in their profile (visitor_profiles), not on the worker's row.
PROFILE_FIELDS = ("visitor_kind", "organisation_id", "work_weekdays")
PARTNER_ROLES = (Role.VISITOR, Role.COORDINATOR)


@dataclass(frozen=True, slots=True)
class WorkerData:
    account: str
    name: str
    role: Role = Role.GRID_WORKER
    phone: str | None = None
    area_code: str | None = None
    grid_codes: tuple[str, ...] = ()
    travel_mode: TravelMode = TravelMode.EBIKE
    start_lon: float | None = None
    start_lat: float | None = None
    work_start: time = DEFAULT_WORK_START
    work_end: time = DEFAULT_WORK_END
    visit_minutes_per_day: int = 240
    active: bool = True
    visitor_kind: VisitorKind | None = None
    organisation_id: int | None = None
    # ISO weekday digits worked, e.g. "135"; None: the official working days.
    work_weekdays: str | None = None


WORKER_FIELDS = tuple(f.name for f in fields(WorkerData))


@dataclass(frozen=True, slots=True)
class WorkerRead:
    id: int
    account: str
    name: str
    phone: str | None
    role: Role
    area_code: str | None
    grid_codes: list[str]
    travel_mode: TravelMode
    start_lon: float | None
    start_lat: float | None
    work_start: time
    work_end: time
    visit_minutes_per_day: int
    active: bool
    has_password: bool
    updated_at: datetime
    visitor_kind: VisitorKind | None = None
    organisation_id: int | None = None
    work_weekdays: str | None = None


def to_read(w: Worker) -> WorkerRead:
    return WorkerRead(
        w.id,
        w.account,
        w.name,
        w.phone,
        w.role,
        w.area.code if w.area else None,
        w.grid_codes,
        w.travel_mode,
        w.start_lon,
        w.start_lat,
        w.work_start,
        w.work_end,
        w.visit_minutes_per_day,
        w.active,
        w.password_hash is not None,
        w.updated_at,
        w.profile.kind if w.profile else None,
        w.organisation_id,
        w.profile.work_weekdays if w.profile else None,
    )


def is_personal_number(account: str) -> bool:
    """A phone or ID number as an account name: refused, because account names are stored in clear (the
    account, every login attempt as typed, audit entries) where the phone itself is sealed (docs/adr/0013)."""
    if idnumber.is_valid(account):
        return True
    try:
        phone_numbers.normalize_phone(account)
    except ValueError:
        return False
    return True


def validate_worker(data: WorkerData) -> dict[str, list[str]]:
    """Rules for an account that need no database; shared with the 台账 import."""
    errors: dict[str, list[str]] = {}
    if not ACCOUNT.match(data.account):
        errors["account"] = ["账号须为 2-50 位字母、数字或 _ . -"]
    elif is_personal_number(data.account):
        errors["account"] = ["账号不能用手机号、电话号码或身份证号"]
    if not 1 <= len(data.name.strip()) <= 50:
        errors["name"] = ["姓名须为 1-50 个字符"]
    if data.phone:
        try:
            phone_numbers.normalize_phone(data.phone)
        except ValueError as exc:
            errors["phone"] = [str(exc)]
    if data.role is Role.GRID_WORKER and not data.grid_codes:
        errors["grid_codes"] = ["网格员须负责至少一个网格"]
    if data.role in PARTNER_ROLES and not data.area_code:
        errors["area_code"] = ["探访人员和协调员须指定所属区划"]
    elif data.role is not Role.GRID_WORKER and not data.area_code:
        errors["area_code"] = ["督导和管理员须指定管辖区划"]
    if data.role in PARTNER_ROLES and data.grid_codes:
        errors["grid_codes"] = ["探访人员和协调员不负责网格，须通过结对分配探访对象"]
    errors.update(_partner_errors(data))
    if (data.start_lon is None) != (data.start_lat is None):
        errors["start_lon"] = ["起点经度和纬度须同时填写或同时留空"]
    elif (
        data.start_lon is not None
        and data.start_lat is not None
        and not geo.in_china(data.start_lon, data.start_lat)
    ):
        errors["start_lon"] = ["起点坐标不在中国境内"]
    if data.work_start >= data.work_end:
        errors["work_start"] = ["上班时间须早于下班时间"]
    else:
        span = (data.work_end.hour * 60 + data.work_end.minute) - (
            data.work_start.hour * 60 + data.work_start.minute
        )
        if not 0 < data.visit_minutes_per_day <= span:
            errors["visit_minutes_per_day"] = [f"每日工时须大于 0 且不超过工作时长（{span} 分钟）"]
    return errors


def _partner_errors(data: WorkerData) -> dict[str, list[str]]:
    """A visitor has a kind (not 网格员: a grid worker is a role of its own) and perhaps an organisation; a
    coordinator an organisation and no kind; nobody else has either, nor weekdays of their own."""
    errors: dict[str, list[str]] = {}
    if data.role is Role.VISITOR and data.visitor_kind in (None, VisitorKind.GRID_WORKER):
        errors["visitor_kind"] = ["探访人员须指定类别：社工、志愿者、服务机构人员或公益性岗位"]
    elif data.role is not Role.VISITOR and data.visitor_kind is not None:
        errors["visitor_kind"] = ["只有探访人员有人员类别"]
    if data.role is Role.COORDINATOR and data.organisation_id is None:
        errors["organisation_id"] = ["协调员须属于一个机构"]
    elif data.role not in PARTNER_ROLES and data.organisation_id is not None:
        errors["organisation_id"] = ["只有探访人员和协调员属于机构"]
    if data.work_weekdays is not None:
        if data.role is not Role.VISITOR:
            errors["work_weekdays"] = ["只有探访人员设置工作日"]
        elif not WEEKDAYS.match(data.work_weekdays) or len(set(data.work_weekdays)) != len(
            data.work_weekdays
        ):
            errors["work_weekdays"] = ["工作日须为 1-7 的数字（1 为周一），如 135"]
    return errors


def _check_authority(caller: Caller, role: Role) -> None:
    """Supervisors create grid workers, visitors and coordinators of their area; only admins the rest."""
    require_register_writer(caller)
    if role not in (Role.GRID_WORKER, *PARTNER_ROLES) and caller.role is not Role.ADMIN:
        raise Forbidden("只有管理员可以设置督导或管理员账号")


def _check_organisation(uow: UnitOfWork, caller: Caller, data: WorkerData) -> None:
    """The organisation named must be one the caller sees (an unseen one is a mistake in the field)."""
    if data.organisation_id is None:
        return
    try:
        uow.organisations.get_in(caller.scope, data.organisation_id)
    except NotFound:
        raise Invalid("输入有误", errors={"organisation_id": ["机构不存在或不在您的管辖范围内"]}) from None


def _resolve_areas(
    uow: UnitOfWork, caller: Caller, data: WorkerData, *, kept: frozenset[str] = frozenset()
) -> tuple[Area | None, list[Area]]:
    """The area and grids named by `data`, each inside the caller's scope, or one of the `kept` grids (held
    already, outside the scope: see _with_unseen_grids)."""
    found = uow.areas.by_codes([*data.grid_codes, *([data.area_code] if data.area_code else [])])
    errors: dict[str, list[str]] = {}
    grids = []
    for code in data.grid_codes:
        grid = found.get(code)
        if (
            grid is None
            or grid.level is not AreaLevel.GRID
            or not (caller.scope.covers(grid.path) or code in kept)
        ):
            errors.setdefault("grid_codes", []).append(f"网格 {code} 不存在或不在您的管辖范围内")
        else:
            grids.append(grid)
    area = found.get(data.area_code) if data.area_code else None
    if data.role is not Role.GRID_WORKER and (area is None or not caller.scope.covers(area.path)):
        errors["area_code"] = ["区划不存在或不在您的管辖范围内"]
    if errors:
        raise Invalid("输入有误", errors=errors)
    return (area if data.role is not Role.GRID_WORKER else None), grids


def write_fields(
    worker: Worker, data: WorkerData, area: Area | None, grids: list[Area]
) -> dict[str, list[Any]]:
    changes: dict[str, list[Any]] = {}
    for name in WORKER_FIELDS:
        if name in ("area_code", "grid_codes", *PROFILE_FIELDS):
            continue
        value = getattr(data, name)
        if name == "phone" and value:
            value = phone_numbers.normalize_phone(value)
        if name == "name":
            value = value.strip()
        old = getattr(worker, name, None)
        if old != value:
            changes[name] = [_plain(old, name), _plain(value, name)]
            setattr(worker, name, value)
    current: Area | None = getattr(worker, "area", None)
    old_area = current.code if current is not None else None
    if old_area != (area.code if area else None):
        changes["area_code"] = [old_area, area.code if area else None]
        worker.area = area
    old_grids = sorted(g.code for g in (worker.grids or []))
    if old_grids != sorted(g.code for g in grids):
        changes["grid_codes"] = [old_grids, sorted(g.code for g in grids)]
        worker.grids = grids
    changes.update(_write_profile(worker, data))
    return changes


def _write_profile(worker: Worker, data: WorkerData) -> dict[str, list[Any]]:
    """A visitor's or coordinator's profile; an account that becomes neither loses it."""
    profile: VisitorProfile | None = getattr(worker, "profile", None)
    old = {
        "visitor_kind": profile.kind if profile else None,
        "organisation_id": profile.organisation_id if profile else None,
        "work_weekdays": profile.work_weekdays if profile else None,
    }
    weekdays = "".join(sorted(data.work_weekdays)) if data.work_weekdays else None
    new = {
        "visitor_kind": data.visitor_kind,
        "organisation_id": data.organisation_id,
        "work_weekdays": weekdays,
    }
    if data.role not in PARTNER_ROLES:
        if profile is not None:
            worker.profile = None
        return {k: [_plain(old[k]), None] for k in PROFILE_FIELDS if old[k] is not None}
    if profile is None:
        profile = worker.profile = VisitorProfile()
    profile.kind, profile.organisation_id, profile.work_weekdays = (
        data.visitor_kind, data.organisation_id, weekdays,
    )  # fmt: skip
    return {k: [_plain(old[k]), _plain(new[k])] for k in PROFILE_FIELDS if old[k] != new[k]}


def unseen_grids(caller: Caller, worker: Worker) -> frozenset[str]:
    """Grids a shared worker holds outside the caller's area. The caller's grid list speaks only for their
    own area: these stay as they are whatever the list says, and are never the caller's to add or remove."""
    return frozenset(g.code for g in worker.grids if not caller.scope.covers(g.path))


def _plain(value: Any, name: str = "") -> Any:
    if name == "phone" and value:  # stored encrypted, so the audit log keeps it masked (docs/adr/0013)
        return phone_numbers.mask_phone(value)
    if isinstance(value, time):
        return value.strftime("%H:%M")
    return value.value if hasattr(value, "value") else value


def create_worker(
    uow: UnitOfWork, *, caller: Caller, data: WorkerData, password: str | None = None
) -> WorkerRead:
    _check_authority(caller, data.role)
    errors = validate_worker(data)
    if errors:
        raise Invalid("输入有误", errors=errors)
    with uow:
        area, grids = _resolve_areas(uow, caller, data)
        _check_organisation(uow, caller, data)
        if uow.workers.find_by_account(data.account) is not None:
            raise Conflict("账号已存在", code="account_exists", errors={"account": ["账号已存在"]})
        now = uow.clock.now()
        worker = Worker(created_at=now, updated_at=now, grids=[])
        changes = write_fields(worker, data, area, grids)
        if password is not None:
            _hand_out(worker, password)
        uow.workers.add(worker)
        uow.flush()
        audit.record(
            uow,
            caller,
            action="worker.create",
            record_type="worker",
            record_id=worker.id,
            area_path=filing_path(worker),
            details={"changes": changes},
        )
        uow.commit()
        return to_read(worker)


def _require_worker_reader(caller: Caller) -> None:
    # A visitor has colleagues at most in their organisation, which its coordinator manages; /me is theirs.
    require_role(caller, Role.GRID_WORKER, Role.COORDINATOR, Role.SUPERVISOR, Role.ADMIN, action="查看人员")


def get_worker(uow: UnitOfWork, *, caller: Caller, worker_id: int) -> WorkerRead:
    _require_worker_reader(caller)
    with uow:
        return to_read(uow.workers.get(caller.scope, worker_id))


def list_workers(
    uow: UnitOfWork,
    *,
    caller: Caller,
    role: Role | None = None,
    active: bool | None = None,
    limit: int = 50,
    after_id: int | None = None,
) -> tuple[list[WorkerRead], int | None]:
    _require_worker_reader(caller)
    with uow:
        rows = uow.workers.page(caller.scope, role=role, active=active, limit=limit + 1, after_id=after_id)
        page = rows[:limit]
        return [to_read(w) for w in page], (page[-1].id if len(rows) > limit else None)


def current_data(worker: Worker) -> WorkerData:
    return WorkerData(
        account=worker.account,
        name=worker.name,
        role=worker.role,
        phone=worker.phone,
        area_code=worker.area.code if worker.area else None,
        grid_codes=tuple(worker.grid_codes),
        travel_mode=worker.travel_mode,
        start_lon=worker.start_lon,
        start_lat=worker.start_lat,
        work_start=worker.work_start,
        work_end=worker.work_end,
        visit_minutes_per_day=worker.visit_minutes_per_day,
        active=worker.active,
        visitor_kind=worker.profile.kind if worker.profile else None,
        organisation_id=worker.organisation_id,
        work_weekdays=worker.profile.work_weekdays if worker.profile else None,
    )


def update_worker(
    uow: UnitOfWork, *, caller: Caller, worker_id: int, changes: dict[str, Any], password: str | None = None
) -> WorkerRead:
    """Change an account. Deactivating it or giving it a new password ends all its sessions."""
    unknown = set(changes) - set(WORKER_FIELDS)
    if unknown:
        raise Invalid("输入有误", errors={name: ["未知字段"] for name in sorted(unknown)})
    if "account" in changes:
        raise Invalid("输入有误", errors={"account": ["账号不能修改"]})
    with uow:
        worker = uow.workers.get(caller.scope, worker_id)
        _check_authority(caller, worker.role)
        if worker.id == caller.worker_id and ("role" in changes or changes.get("active") is False):
            raise Forbidden("不能修改自己的角色或停用自己")
        data = replace(current_data(worker), **changes)
        _check_authority(caller, data.role)
        if data.role is Role.GRID_WORKER:
            data = replace(data, area_code=None)
        data = _leaving_role(worker, data, changes)
        unseen = unseen_grids(caller, worker)
        data = replace(data, grid_codes=tuple(dict.fromkeys([*data.grid_codes, *unseen])))
        errors = validate_worker(data)
        if errors:
            raise Invalid("输入有误", errors=errors)
        area, grids = _resolve_areas(uow, caller, data, kept=unseen)
        if data.organisation_id != worker.organisation_id:
            _check_organisation(uow, caller, data)
        diff = write_fields(worker, data, area, grids)
        now = uow.clock.now()
        if password is not None:
            _hand_out(worker, password)
            diff["password"] = ["***", "***"]
        if password is not None or "active" in diff or "role" in diff:
            uow.tokens.revoke_worker(worker.id, now)
        if diff:
            worker.updated_at = now
            audit.record(
                uow,
                caller,
                action="worker.update",
                record_type="worker",
                record_id=worker.id,
                area_path=filing_path(worker),
                details={"changes": diff},
            )
        uow.commit()
        return to_read(worker)


def _leaving_role(worker: Worker, data: WorkerData, changes: dict[str, Any]) -> WorkerData:
    """A new role drops what belonged to the old one unless the change names it: a visitor made a grid
    worker loses kind, organisation and weekdays, a grid worker made a visitor their grids."""
    if data.role is worker.role:
        return data
    if data.role not in PARTNER_ROLES:
        dropped: dict[str, Any] = {name: None for name in PROFILE_FIELDS if name not in changes}
        return replace(data, **dropped)
    if worker.role is Role.GRID_WORKER and "grid_codes" not in changes:
        return replace(data, grid_codes=())
    return data


def _hand_out(worker: Worker, password: str) -> None:
    """A password someone else chose: its owner must replace it at the next login (POST /me/password)."""
    worker.password_hash = hash_password(password)
    worker.password_must_change = True
    worker.password_is_demo = False


def set_password(uow: UnitOfWork, *, caller: Caller, account: str, password: str) -> None:
    """An admin (or the operator's CLI) gives an account its password; live sessions end."""
    with uow:
        worker = uow.workers.find_by_account(account)
        if worker is None or not caller.scope.covers(filing_path(worker)):
            raise Invalid("输入有误", errors={"account": ["账号不存在"]})
        worker_id = worker.id
    update_worker(uow, caller=caller, worker_id=worker_id, changes={}, password=password)
