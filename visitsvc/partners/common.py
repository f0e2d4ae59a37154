"""What the partners' services share: who may manage, areas named by code within the caller's scope."""

from __future__ import annotations

from collections.abc import Iterable

from visitsvc.access.scoping import Caller, require_role
from visitsvc.infrastructure.uow import UnitOfWork
from visitsvc.kernel.errors import Invalid, NotFound
from visitsvc.model import Area, Role

INVALID = "输入有误"


def require_manager(caller: Caller) -> None:
    """Admins and supervisors manage organisations, contracts and pairings; grid workers and visitors never,
    coordinators read their own organisation only."""
    require_role(caller, Role.SUPERVISOR, Role.ADMIN, action="管理机构、合同或结对")


def require_reader(caller: Caller) -> None:
    require_role(caller, Role.SUPERVISOR, Role.ADMIN, Role.COORDINATOR, action="查看机构、合同或结对")


def areas_in_scope(
    uow: UnitOfWork, caller: Caller, codes: Iterable[str], *, field: str, kept: Iterable[Area] = ()
) -> list[Area]:
    """The areas named by `codes`, each within the caller's scope, or one of `kept` (held already, outside
    the scope: a street's supervisor editing a district-wide organisation leaves the other streets as they
    are). At least one is needed (422 on `field`); one outside the scope is not found (404)."""
    wanted = list(dict.fromkeys(codes))
    kept_by_code = {a.code: a for a in kept}
    found = uow.areas.by_codes(c for c in wanted if c not in kept_by_code)
    areas = []
    for code in wanted:
        area = kept_by_code.get(code) or found.get(code)
        if area is None or (code not in kept_by_code and not caller.scope.covers(area.path)):
            raise NotFound(
                f"区划 {code} 不存在或不在您的管辖范围内", errors={field: ["区划不存在或不在您的管辖范围内"]}
            )
        areas.append(area)
    if not areas:
        raise Invalid(INVALID, errors={field: ["须至少指定一个区划"]})
    return areas


def unseen(caller: Caller, areas: Iterable[Area]) -> list[Area]:
    return [a for a in areas if not caller.scope.covers(a.path)]
