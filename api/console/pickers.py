"""The choices that filters and forms offer: the areas and grid workers of the caller's scope, read through
the same services as the API's lists."""

from __future__ import annotations

from api.runtime import uow
from visitsvc.access.scoping import Caller
from visitsvc.model import Role
from visitsvc.register import areas, workers
from visitsvc.register.areas import AreaRead
from visitsvc.register.workers import WorkerRead

PAGE = 200


def areas_of(caller: Caller) -> list[AreaRead]:
    return areas.list_areas(uow(), caller=caller)


def grid_workers(caller: Caller) -> list[WorkerRead]:
    found: list[WorkerRead] = []
    after: int | None = None
    while True:
        page, after = workers.list_workers(
            uow(), caller=caller, role=Role.GRID_WORKER, active=True, limit=PAGE, after_id=after
        )
        found.extend(page)
        if after is None:
            return found
