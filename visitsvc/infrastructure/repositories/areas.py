"""Areas: the tree every scope is a subtree of."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from visitsvc.access.scoping import ROOT_PATH, Scope

# `_chunks` as before the split: the body stays as it was, another change to it is on its way.
from visitsvc.infrastructure.repositories.batches import chunks as _chunks
from visitsvc.kernel.errors import NotFound
from visitsvc.model import Area, AreaLevel


class AreaRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, scope: Scope, area_id: int) -> Area:
        area = self.session.scalar(select(Area).where(Area.id == area_id, scope.area_clause()))
        if area is None:
            raise NotFound("区划不存在")
        return area

    def get_by_code(self, scope: Scope, code: str) -> Area:
        area = self.session.scalar(select(Area).where(Area.code == code, scope.area_clause()))
        if area is None:
            raise NotFound("区划不存在")
        return area

    def scope_within(self, scope: Scope, area_code: str | None) -> Scope:
        """`scope` narrowed to the subtree of the area `area_code` names; all of `scope` without one (None or
        empty). An area outside `scope` is not found (404), exactly like a missing one."""
        if not area_code:
            return scope
        return scope.narrowed_to(self.get_by_code(scope, area_code).path)

    def find_by_code(self, code: str) -> Area | None:
        """Unscoped: to tell 'exists elsewhere' (409) from 'free' when creating."""
        return self.session.scalar(select(Area).where(Area.code == code))

    def by_codes(self, codes: Iterable[str]) -> dict[str, Area]:
        found: dict[str, Area] = {}
        for chunk in _chunks(sorted(set(codes))):
            found.update({a.code: a for a in self.session.scalars(select(Area).where(Area.code.in_(chunk)))})
        return found

    def by_ids(self, ids: Iterable[int]) -> list[Area]:
        wanted = sorted(set(ids))
        return list(self.session.scalars(select(Area).where(Area.id.in_(wanted)))) if wanted else []

    def page(
        self, scope: Scope, *, level: AreaLevel | None = None, parent_id: int | None = None
    ) -> list[Area]:
        query = select(Area).where(scope.area_clause())
        if level is not None:
            query = query.where(Area.level == level)
        if parent_id is not None:
            query = query.where(Area.parent_id == parent_id)
        return list(self.session.scalars(query.order_by(Area.path, Area.code)))

    def add(self, area: Area, parent: Area | None) -> Area:
        self.session.add(area)
        self.session.flush()  # the path embeds the new id
        area.path = f"{parent.path if parent else ROOT_PATH}{area.id}/"
        return area
