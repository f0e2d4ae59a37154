"""The area tree: read within scope, extended by admins."""

from __future__ import annotations

import re
from dataclasses import dataclass

from visitsvc.access.scoping import Caller, require_admin, require_register_reader
from visitsvc.accounts import audit
from visitsvc.infrastructure.uow import UnitOfWork
from visitsvc.kernel.errors import Conflict, Invalid
from visitsvc.model import PARENT_LEVEL, Area, AreaLevel

AREA_CODE = re.compile(r"^\d{6,20}$")


@dataclass(frozen=True, slots=True)
class AreaRead:
    id: int
    code: str
    name: str
    level: AreaLevel
    parent_code: str | None


def _read(area: Area, parent_codes: dict[int, str]) -> AreaRead:
    parent = parent_codes.get(area.parent_id) if area.parent_id is not None else None
    return AreaRead(area.id, area.code, area.name, area.level, parent)


def list_areas(
    uow: UnitOfWork, *, caller: Caller, level: AreaLevel | None = None, parent_code: str | None = None
) -> list[AreaRead]:
    require_register_reader(caller)
    with uow:
        parent_id = uow.areas.get_by_code(caller.scope, parent_code).id if parent_code else None
        areas = uow.areas.page(caller.scope, level=level, parent_id=parent_id)
        ids = {a.parent_id for a in areas if a.parent_id is not None}
        codes = {a.id: a.code for a in uow.areas.by_ids(ids)}
        return [_read(a, codes) for a in areas]


def get_area(uow: UnitOfWork, *, caller: Caller, code: str) -> AreaRead:
    with uow:
        area = uow.areas.get_by_code(caller.scope, code)
        parents = {p.id: p.code for p in uow.areas.by_ids([area.parent_id] if area.parent_id else [])}
        return _read(area, parents)


def validate_area(code: str, name: str, level: AreaLevel, parent: Area | None) -> dict[str, list[str]]:
    """Rules for one node of the tree, shared by the API and the 台账 import."""
    errors: dict[str, list[str]] = {}
    if not AREA_CODE.match(code):
        errors["code"] = ["区划代码须为 6-20 位数字"]
    if not 1 <= len(name.strip()) <= 100:
        errors["name"] = ["名称须为 1-100 个字符"]
    wanted = PARENT_LEVEL.get(level)
    if wanted is None and parent is not None:
        errors["parent_code"] = ["区县不能有上级区划"]
    elif wanted is not None and (parent is None or parent.level is not wanted):
        errors["parent_code"] = [f"{level.label}的上级须为{wanted.label}"]
    return errors


def create_area(
    uow: UnitOfWork, *, caller: Caller, code: str, name: str, level: AreaLevel, parent_code: str | None
) -> AreaRead:
    require_admin(caller)
    with uow:
        parent = uow.areas.get_by_code(caller.scope, parent_code) if parent_code else None
        if parent is None and not caller.is_system:
            raise Invalid("输入有误", errors={"parent_code": ["须指定您管辖范围内的上级区划"]})
        errors = validate_area(code, name, level, parent)
        if errors:
            raise Invalid("输入有误", errors=errors)
        if uow.areas.find_by_code(code) is not None:
            raise Conflict("区划代码已存在", code="area_exists", errors={"code": ["区划代码已存在"]})
        area = uow.areas.add(
            Area(
                code=code,
                name=name.strip(),
                level=level,
                parent_id=parent.id if parent else None,
                created_at=uow.clock.now(),
            ),
            parent,
        )
        audit.record(
            uow,
            caller,
            action="area.create",
            record_type="area",
            record_id=area.code,
            area_path=area.path,
            details={"name": area.name, "level": level.value},
        )
        uow.commit()
        return AreaRead(area.id, area.code, area.name, area.level, parent.code if parent else None)
