"""The one access rule: who may see and change which part of the register.

A caller's scope is a set of area paths. Supervisors and admins see the subtree of their area node; a
grid worker sees their own grids. Every repository read takes a Scope and applies the clauses below, so a
record outside the scope is simply not found (404), exactly like a missing one.

Services ask a Scope questions (`covers`, `home_path`, `narrowed_to`, the clauses) and never read its
fields: what a scope is made of stays this module's business. That is what lets it grow other forms. The
people assigned to a worker (`assigned_elders`) are one already: a second set beside the area paths, which
`elder_clause` adds and `narrowed_to` leaves out. Visitors (social workers, volunteers, an organisation's
staff) have no area at all: their scope is exactly the people paired with them or planned to them.
A coordinator's is "my organisation's" (`organisation`): its staff, the people paired with it or its
staff, its contracts and statements.

Scope says which records; the role says which kinds of record. A role that never may answers 403 (the
`require_*` rules below: visitors and coordinators never read the register as such, coordinators no person
and no field work), a record outside the scope 404; and what a visitor sees of a person is one projection,
asked for by `Caller.sees_visit_fields_only` (docs/adr/0031-what-a-visitor-sees.md).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import ColumnElement, exists, false, literal, or_, select
from sqlalchemy.orm import InstrumentedAttribute, aliased

from visitsvc.kernel.errors import Forbidden, NotFound
from visitsvc.model import (
    Area,
    AuditEntry,
    Contract,
    Elder,
    Organisation,
    Role,
    VisitorProfile,
    Worker,
    contract_areas,
    organisation_areas,
    worker_grids,
)

ROOT_PATH = "/"
FIELD_ROLES = (Role.GRID_WORKER, Role.VISITOR)  # who makes visits: their own route, outcomes, appointments


@dataclass(frozen=True, slots=True)
class Scope:
    area_paths: tuple[str, ...]
    # People of other grids whose visits the current plan gave to this worker: theirs while assigned. A
    # visitor's: the people paired with them or planned to them; a coordinator's: their organisation's.
    assigned_elders: frozenset[int] = frozenset()
    # A coordinator's organisation: they see its staff, contracts and statements, and nothing of any area.
    organisation: int | None = None

    @classmethod
    def everything(cls) -> Scope:
        return cls((ROOT_PATH,))

    @property
    def home_path(self) -> str:
        """The area path that stands for this scope as a whole: what its audit entries are filed under, and
        what a plan or a coverage figure of "all of mine" is of.

        One area path (a supervisor's or admin's node, a grid worker with one grid): that path. A grid worker
        with several grids gets ROOT_PATH, not one of them: no single one of their grids stands for the
        others. An empty scope (a worker with neither an area nor a grid) gets ROOT_PATH as well. It names a
        place and grants nothing: a Scope built from it would see everything, so narrow with `narrowed_to`.
        """
        return self.area_paths[0] if len(self.area_paths) == 1 else ROOT_PATH

    def narrowed_to(self, path: str) -> Scope:
        """The subtree at `path`, which must lie within this scope: naming an area never widens what a caller
        sees (outside it, the area is not found, 404). People assigned from other grids are not part of an
        area's subtree and are left out."""
        if not self.covers(path):
            raise NotFound("区划不存在")
        return Scope((path,))

    def covers(self, path: str) -> bool:
        return any(path.startswith(p) for p in self.area_paths)

    def overlaps(self, path: str) -> bool:
        """The subtree at `path` and the scope meet: it lies within the scope or holds part of it."""
        return self.covers(path) or any(p.startswith(path) for p in self.area_paths)

    def covers_all(self, paths: Iterable[str]) -> bool:
        return all(self.covers(p) for p in paths)

    def covers_worker(self, worker: Worker) -> bool:
        """The Python twin of worker_clause, for rows already loaded."""
        if self.organisation is not None and worker.organisation_id == self.organisation:
            return True
        if worker.area is not None and self.covers(worker.area.path):
            return True
        return any(self.covers(g.path) for g in worker.grids)

    def covers_organisation(self, organisation: Organisation) -> bool:
        """The Python twin of organisation_clause: a coordinator's own, or one serving an area that meets
        the scope (an organisation serving the whole district serves each street's supervisor too)."""
        if self.organisation is not None:
            return organisation.id == self.organisation
        return any(self.overlaps(a.path) for a in organisation.areas)

    def covers_contract(self, contract: Contract) -> bool:
        """The Python twin of contract_clause: a coordinator's organisation's, or one filed under or covering
        an area that meets the scope."""
        if self.organisation is not None:
            return contract.organisation_id == self.organisation
        return any(self.overlaps(a.path) for a in [contract.area, *contract.areas])

    def area_clause(
        self, path_column: ColumnElement[str] | InstrumentedAttribute[str] | None = None
    ) -> ColumnElement[bool]:
        column = Area.path if path_column is None else path_column
        if not self.area_paths:
            return false()
        return or_(*(column.startswith(p, autoescape=True) for p in self.area_paths))

    def elder_clause(self) -> ColumnElement[bool]:
        # The person's own grid row, tested by a path prefix: PostgreSQL serves the prefix from the
        # text_pattern_ops index on areas.path (migration 0014) and can walk elders in id order, stopping at
        # a page, instead of gathering every person of the subtree to sort them. The alias keeps the grid
        # apart from any `areas` the enclosing query joins (an elder's eagerly loaded grid, for one).
        grid = aliased(Area)
        in_area = exists().where(grid.id == Elder.grid_id, self.area_clause(grid.path))
        if not self.assigned_elders:
            return in_area
        return or_(in_area, Elder.id.in_(sorted(self.assigned_elders)))

    def worker_clause(self) -> ColumnElement[bool]:
        """A worker is within scope when their area node or one of their grids is, or, for a coordinator,
        when they are their organisation's staff."""
        in_scope_areas = select(Area.id).where(self.area_clause())
        has_grid_in_scope = exists().where(
            worker_grids.c.worker_id == Worker.id, worker_grids.c.area_id.in_(in_scope_areas)
        )
        clauses = [Worker.area_id.in_(in_scope_areas), has_grid_in_scope]
        if self.organisation is not None:
            staff = select(VisitorProfile.worker_id).where(
                VisitorProfile.organisation_id == self.organisation
            )
            clauses.append(Worker.id.in_(staff))
        return or_(*clauses)

    def overlap_clause(
        self, path_column: ColumnElement[str] | InstrumentedAttribute[str]
    ) -> ColumnElement[bool]:
        """The area at `path_column` and the scope meet: within it, or above part of it."""
        if not self.area_paths:
            return false()
        above = (literal(p).startswith(path_column) for p in self.area_paths)
        return or_(self.area_clause(path_column), *above)

    def organisation_clause(self) -> ColumnElement[bool]:
        if self.organisation is not None:
            return Organisation.id == self.organisation
        if not self.area_paths:
            return false()  # a visitor's: people, no area (and no EXISTS over every area served)
        served = aliased(Area)
        return exists().where(
            organisation_areas.c.organisation_id == Organisation.id,
            organisation_areas.c.area_id == served.id,
            self.overlap_clause(served.path),
        )

    def contract_clause(self) -> ColumnElement[bool]:
        if self.organisation is not None:
            return Contract.organisation_id == self.organisation
        if not self.area_paths:
            return false()
        filed, covered = aliased(Area), aliased(Area)
        return or_(
            exists().where(filed.id == Contract.area_id, self.overlap_clause(filed.path)),
            exists().where(
                contract_areas.c.contract_id == Contract.id,
                contract_areas.c.area_id == covered.id,
                self.overlap_clause(covered.path),
            ),
        )

    def audit_clause(self) -> ColumnElement[bool]:
        return self.area_clause(AuditEntry.area_path)


@dataclass(frozen=True, slots=True)
class Caller:
    """The authenticated person behind a request, a command or a job."""

    worker_id: int | None  # None: the system itself (CLI, scheduler)
    account: str
    role: Role
    scope: Scope

    @classmethod
    def system(cls) -> Caller:
        return cls(worker_id=None, account="system", role=Role.ADMIN, scope=Scope.everything())

    @property
    def is_system(self) -> bool:
        return self.worker_id is None

    @property
    def may_unmask(self) -> bool:
        return self.role in (Role.SUPERVISOR, Role.ADMIN)

    @property
    def sees_visit_fields_only(self) -> bool:
        """A visitor (社工, 志愿者, 服务机构人员, ...) gets of a person only what a visit needs, whatever the
        endpoint (docs/adr/0031-what-a-visitor-sees.md): the projections that honour it live beside the
        full reads (register.elder_reads, field.todays_route)."""
        return self.role is Role.VISITOR


def scope_of(worker: Worker, assigned_elders: frozenset[int] = frozenset()) -> Scope:
    """`assigned_elders`: a grid worker's people of other grids, a visitor's or a coordinator's people."""
    if worker.role is Role.GRID_WORKER:
        return Scope(tuple(sorted(g.path for g in worker.grids)), assigned_elders)
    if worker.role is Role.VISITOR:
        return Scope((), assigned_elders)
    if worker.role is Role.COORDINATOR:
        return Scope((), assigned_elders, organisation=worker.organisation_id)
    if worker.area is None:
        return Scope(())
    return Scope((worker.area.path,))


def filing_path(worker: Worker) -> str:
    """The area path records about `worker` are filed under (their audit entries), and so who may read them:
    their area node, else their first grid, else the root. Not `scope_of(worker).home_path`: a grid worker
    with several grids is filed under the first one, which a supervisor reads, rather than at the root, which
    only admins do."""
    if worker.area is not None:
        return worker.area.path
    return worker.grids[0].path if worker.grids else ROOT_PATH


def caller_for(worker: Worker, assigned_elders: frozenset[int] = frozenset()) -> Caller:
    scope = scope_of(worker, assigned_elders)
    return Caller(worker_id=worker.id, account=worker.account, role=worker.role, scope=scope)


def require_role(caller: Caller, *roles: Role, action: str = "此操作") -> None:
    if caller.role not in roles:
        raise Forbidden(f"无权{action}", code="forbidden")


def require_field_worker(caller: Caller) -> None:
    """Those who make visits: grid workers and visitors, on the same rules."""
    require_role(caller, *FIELD_ROLES, action="使用探访人员功能")


def require_people_reader(caller: Caller) -> None:
    """Everyone who works with people, each within their scope; not a coordinator, who manages their
    organisation's staff, pairings and statements and reads nothing of the register or of field work."""
    require_role(caller, *FIELD_ROLES, Role.SUPERVISOR, Role.ADMIN, action="查看老年人或探访信息")


def require_register_reader(caller: Caller) -> None:
    """The register as such (areas, plans, coverage, a person's history, absences, colleagues): grid
    workers for their grids, supervisors and admins for their area. Visitors see their people through the
    visit's projection only, coordinators their organisation only."""
    require_role(caller, Role.GRID_WORKER, Role.SUPERVISOR, Role.ADMIN, action="查看台账")


def require_register_writer(caller: Caller) -> None:
    """Grid workers record visits; only supervisors and admins change the register itself."""
    require_role(caller, Role.SUPERVISOR, Role.ADMIN, action="修改台账")


def require_supervisor(caller: Caller) -> None:
    require_role(caller, Role.SUPERVISOR, Role.ADMIN, action="查看或处理督导事项")


def require_admin(caller: Caller) -> None:
    require_role(caller, Role.ADMIN, action="执行管理员操作")
