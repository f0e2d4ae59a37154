"""Routes of a day: one worker's stops in order on a map, with their status, and the list beside it."""

from __future__ import annotations

from typing import Any

from flask import current_app, render_template
from flask.typing import ResponseReturnValue

from api.console.blueprint import blp
from api.console.pickers import areas_of, grid_workers
from api.console.settings import ConsoleSettings
from api.console.web import arg, caller, date_arg, int_arg
from api.runtime import runtime, uow
from visitsvc.field import todays_route
from visitsvc.field.todays_route import StopLocation, WorkerDay
from visitsvc.kernel.geo import Datum
from visitsvc.model import AreaLevel


@blp.get("/routes")
def routes() -> ResponseReturnValue:
    who = caller()
    day = date_arg("date") or runtime().clock.today()
    grid = arg("grid")
    workers = grid_workers(who)
    if grid:  # a grid narrows the choice to its workers; with one, that is the route
        workers = [w for w in workers if grid in w.grid_codes]
    worker_id = int_arg("worker")
    if worker_id is None and grid and len(workers) == 1:
        worker_id = workers[0].id
    found = None
    if worker_id is not None:
        found = todays_route.worker_day_route(uow(), caller=who, worker_id=worker_id, day=day)
    settings: ConsoleSettings = current_app.extensions["visitsvc_console"]
    return render_template(
        "console/routes.html",
        day=day,
        grid=grid,
        grids=[a for a in areas_of(who) if a.level is AreaLevel.GRID],
        workers=workers,
        worker_id=worker_id,
        found=found,
        map_data=None if found is None else map_data(found, settings),
    )


def map_data(found: WorkerDay, settings: ConsoleSettings) -> dict[str, Any]:
    """Points in the datum of the tiles: 高德/腾讯 tiles are drawn in GCJ-02, so WGS-84 points would sit some
    hundreds of metres off the streets they are on."""

    def point(location: StopLocation | None) -> list[float] | None:
        if location is None:
            return None
        if settings.tile_url and settings.tile_datum is Datum.GCJ02:
            return [location.gcj02.lat, location.gcj02.lon]
        return [location.lat, location.lon]

    return {
        "tiles": settings.tile_url,
        "attribution": settings.tile_attribution,
        "start": point(found.start),
        "stops": [
            {
                "order": s.order,
                "status": s.status,
                "kind": s.kind.value,
                "name": s.elder.name,
                "at": point(s.location),
            }
            for s in found.route.stops
        ],
    }
