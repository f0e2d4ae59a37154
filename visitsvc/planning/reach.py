"""How far a colleague is from a person's home, in minutes of their travel mode (docs/adr/0025).

Pure. The time is the one the planner routes with (routing's default matrix: the straight line times the
detour at the mode's speed), so what the reach allows a colleague's routes can do. The colleagues of a run
are held as arrays, built once: a district's overflow asks for every colleague of every dropped visit.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import date

import numpy as np

import routing
from visitsvc.kernel.geo import EARTH_RADIUS_M
from visitsvc.model.enums import TravelMode

Point = tuple[float, float]  # (lon, lat)
Points = Mapping[date, Sequence[Point]]  # a colleague's planned stops, by day


def speed_of(mode: TravelMode) -> float:
    """Metres a second, as routing has the mode."""
    return routing.SPEED_KMH[routing.TravelMode(mode.value)] / 3.6


def seconds_to(home: Point, lons: np.ndarray, lats: np.ndarray, speeds: np.ndarray | float) -> np.ndarray:
    """Seconds from each (lon, lat) to `home`: `routing.HaversineProvider`'s formula, element by element."""
    lat1, lat2 = np.radians(lats), math.radians(home[1])
    dlat, dlon = lat2 - lat1, math.radians(home[0]) - np.radians(lons)
    h = np.sin(dlat / 2) ** 2 + np.cos(lat1) * math.cos(lat2) * np.sin(dlon / 2) ** 2
    metres = 2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.minimum(1.0, h)))
    seconds: np.ndarray = np.rint(metres * routing.DEFAULT_DETOUR / speeds)
    return seconds


def travel_seconds(mode: TravelMode, a: Point, b: Point) -> int:
    """One way from `a` to `b` in `mode`."""
    return int(seconds_to(b, np.array([a[0]]), np.array([a[1]]), speed_of(mode))[0])


class Colleagues:
    """Where each colleague starts and stops, and which areas they work in, as arrays by colleague index."""

    def __init__(
        self,
        modes: Sequence[TravelMode],
        starts: Sequence[Point | None],
        grid_paths: Sequence[Sequence[str]],
        points: Sequence[Points],
    ) -> None:
        self.speeds = np.array([speed_of(m) for m in modes], dtype=float)
        self.lons = np.array([s[0] if s else np.nan for s in starts], dtype=float)
        self.lats = np.array([s[1] if s else np.nan for s in starts], dtype=float)
        within: dict[str, set[int]] = defaultdict(set)
        for j, paths in enumerate(grid_paths):
            for path in paths:
                parts = [p for p in path.split("/") if p]
                for depth in range(len(parts) + 1):
                    within["/" + "".join(f"{p}/" for p in parts[:depth])].add(j)
        self._within = {area: sorted(js) for area, js in within.items()}
        self._stops = [_stop_arrays(p) for p in points]

    def within(self, area: str) -> list[int]:
        """The colleagues with a grid in the area at path `area` ('/': all), in index order."""
        return self._within.get(area, [])

    def from_start(self, home: Point, js: Sequence[int]) -> np.ndarray:
        """Seconds from each of `js`'s start to `home`; NaN for a colleague without a start."""
        index = np.asarray(js, dtype=int)
        return seconds_to(home, self.lons[index], self.lats[index], self.speeds[index])

    def nearest_stop(self, home: Point, j: int, first: date, last: date) -> float:
        """Seconds to `home` from colleague j's nearest stop planned from `first` to `last`; NaN if none."""
        lons, lats, days = self._stops[j]
        inside = (days >= first.toordinal()) & (days <= last.toordinal())
        if not inside.any():
            return math.nan
        return float(seconds_to(home, lons[inside], lats[inside], self.speeds[j]).min())


def _stop_arrays(points: Points) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    flat = [(p[0], p[1], day.toordinal()) for day, stops in points.items() for p in stops]
    lons, lats, days = zip(*flat, strict=True) if flat else ((), (), ())
    return np.array(lons, dtype=float), np.array(lats, dtype=float), np.array(days, dtype=int)
