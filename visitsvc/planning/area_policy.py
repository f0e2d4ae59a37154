"""The visit policy of an area: read by supervisors and admins, changed by admins, audited; and the effective
rules planning reads for each grid (docs/adr/0026)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from visitsvc.access.scoping import Caller, require_admin, require_role
from visitsvc.accounts import audit
from visitsvc.infrastructure.uow import UnitOfWork
from visitsvc.kernel.errors import Invalid
from visitsvc.model import Area, AreaPolicy, Role
from visitsvc.planning.policy import DEFAULT_RULES, PolicyRules
from visitsvc.planning.policy_settings import PARAMETERS, Own, area_ids, resolve, sources_in, validate


@dataclass(frozen=True, slots=True)
class PolicyRead:
    area_id: int
    area_code: str
    area_name: str
    effective: dict[str, int | bool]
    own: dict[str, int | bool | None]
    inherited_from: dict[str, str | None]  # per parameter: the code of the area that sets it; None: default
    changed_by: int | None
    changed_at: datetime | None


def get_policy(uow: UnitOfWork, *, caller: Caller, area_id: int) -> PolicyRead:
    """An area's effective rules, its own settings and where each inherited value comes from."""
    _may_read(caller)
    with uow:
        area = uow.areas.get(caller.scope, area_id)  # NotFound outside the caller's area
        return _read(uow, area)


def set_policy(
    uow: UnitOfWork, *, caller: Caller, area_id: int, values: Mapping[str, int | bool | None]
) -> PolicyRead:
    """Replace an area's own settings (absent or None: inherit from the area above). Admins only."""
    require_admin(caller)
    with uow:
        area = uow.areas.get(caller.scope, area_id)
        errors = validate(values)
        if errors:
            raise Invalid("输入有误", errors=errors)
        row = uow.area_policies.find(area.id)
        before = own_values(row)
        after = {name: values.get(name) for name in PARAMETERS}
        if row is None:
            row = AreaPolicy(area_id=area.id)
            uow.area_policies.add(row)
        for name, value in after.items():
            setattr(row, name, value)
        row.changed_by, row.changed_at = caller.worker_id, uow.clock.now()
        changes = {name: [before[name], after[name]] for name in PARAMETERS if before[name] != after[name]}
        audit.record(
            uow, caller, action="area.policy", record_type="area", record_id=area.code, area_path=area.path,
            details={"changes": changes},
        )  # fmt: skip
        uow.flush()
        result = _read(uow, area)
        uow.commit()
        return result


def rules_by_path(
    uow: UnitOfWork, paths: Iterable[str], default: PolicyRules = DEFAULT_RULES
) -> dict[str, PolicyRules]:
    """The effective rules of each area path (planning asks for its grids'); call it inside `with uow:`. One
    query for every area on every path; equal rules are one object, shared."""
    wanted = set(paths)
    own = {a: own_values(row) for a, row in uow.area_policies.of_areas(sources_in(wanted)).items()}
    shared: dict[PolicyRules, PolicyRules] = {}
    return {p: shared.setdefault(r, r) for p in wanted for r in [resolve(p, own, default).rules]}


def rules_at(uow: UnitOfWork, path: str, default: PolicyRules = DEFAULT_RULES) -> PolicyRules:
    """The effective rules of one area (its `reach_minutes` for overflow, say); inside `with uow:`."""
    return rules_by_path(uow, [path], default)[path]


def own_values(row: AreaPolicy | None) -> dict[str, Any]:
    return {name: None if row is None else getattr(row, name) for name in PARAMETERS}


def _may_read(caller: Caller) -> None:
    require_role(caller, Role.SUPERVISOR, Role.ADMIN, action="查看探访规则")


def _read(uow: UnitOfWork, area: Area) -> PolicyRead:
    rows = uow.area_policies.of_areas(area_ids(area.path))
    own_by_area: dict[int, Own] = {a: own_values(row) for a, row in rows.items()}
    resolved = resolve(area.path, own_by_area)
    codes = {a.id: a.code for a in uow.areas.by_ids(i for i in resolved.source.values() if i is not None)}
    mine = rows.get(area.id)
    return PolicyRead(
        area_id=area.id,
        area_code=area.code,
        area_name=area.name,
        effective=asdict(resolved.rules),
        own=own_values(mine),
        inherited_from={n: None if s is None else codes[s] for n, s in resolved.source.items()},
        changed_by=mine.changed_by if mine else None,
        changed_at=mine.changed_at if mine else None,
    )
