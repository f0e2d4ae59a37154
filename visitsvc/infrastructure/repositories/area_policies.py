"""Areas' own settings of the visit policy. Unscoped by design: a person's rules come from areas above the
caller's (a street supervisor's grid inherits the district's); the services decide who sees which."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from visitsvc.model import AreaPolicy


class AreaPolicyRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def of_areas(self, area_ids: Iterable[int]) -> dict[int, AreaPolicy]:
        wanted = sorted(set(area_ids))
        if not wanted:
            return {}
        rows = self.session.scalars(select(AreaPolicy).where(AreaPolicy.area_id.in_(wanted)))
        return {row.area_id: row for row in rows}

    def find(self, area_id: int) -> AreaPolicy | None:
        return self.session.get(AreaPolicy, area_id)

    def add(self, policy: AreaPolicy) -> None:
        self.session.add(policy)
