"""Who one is: what an app shows in its header and how it binds what it keeps to one account."""

from __future__ import annotations

from dataclasses import dataclass

from visitsvc.access.scoping import Caller
from visitsvc.infrastructure.uow import UnitOfWork
from visitsvc.kernel.errors import NotFound
from visitsvc.model import Role, VisitorKind


@dataclass(frozen=True, slots=True)
class AreaRef:
    code: str
    name: str


@dataclass(frozen=True, slots=True)
class Profile:
    username: str
    name: str
    role: Role
    worker_id: int
    area: AreaRef | None  # a supervisor's or an admin's node
    grids: list[AreaRef]  # a grid worker's grids
    kind: VisitorKind | None = None  # who makes the visits: 网格员, 社工, 志愿者, ...; None at a desk
    organisation: str | None = None  # a visitor's or a coordinator's organisation, by name


def my_profile(uow: UnitOfWork, *, caller: Caller) -> Profile:
    """The caller's own account; no phone, no personal data beyond the name the app greets them with."""
    if caller.worker_id is None:
        raise NotFound("系统没有账号资料")
    with uow:
        worker = uow.workers.find_by_account_id(caller.worker_id)
        if worker is None:
            raise NotFound("账号不存在")
        area = None if worker.area is None else AreaRef(worker.area.code, worker.area.name)
        return Profile(
            username=worker.account,
            name=worker.name,
            role=worker.role,
            worker_id=worker.id,
            area=area,
            grids=[AreaRef(grid.code, grid.name) for grid in worker.grids],
            kind=worker.kind,
            organisation=_organisation_name(uow, worker.organisation_id),
        )


def _organisation_name(uow: UnitOfWork, organisation_id: int | None) -> str | None:
    return None if organisation_id is None else uow.organisations.get(organisation_id).name
