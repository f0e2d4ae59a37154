"""Travel-time matrices: haversine x detour / speed by default, any table service behind `MatrixProvider`.

Nothing here reaches the network. An OSRM or Valhalla `table` client would implement `MatrixProvider` and be
passed to `build_matrices`; the solver only ever sees the resulting `Matrix`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

import numpy as np

EARTH_RADIUS_M = 6_371_008.8
DEFAULT_DETOUR = 1.3


class TravelMode(StrEnum):
    WALK = "walk"
    EBIKE = "ebike"
    CAR = "car"


# Door-to-door speeds in km/h; the detour factor turns straight lines into street distances.
SPEED_KMH: dict[TravelMode, float] = {TravelMode.WALK: 4.5, TravelMode.EBIKE: 15.0, TravelMode.CAR: 30.0}


@dataclass(frozen=True, slots=True)
class Location:
    lon: float
    lat: float


@dataclass(frozen=True, slots=True)
class Matrix:
    """Integer travel seconds between `size` locations for one travel mode, row-major and flat.

    Flat and immutable so that it pickles as one compact tuple and hands rows to OR-Tools by slicing.
    """

    mode: TravelMode
    size: int
    seconds: tuple[int, ...]

    def __post_init__(self) -> None:
        if len(self.seconds) != self.size * self.size:
            raise ValueError(f"a {self.size}x{self.size} matrix needs {self.size**2} entries")
        if any(s < 0 for s in self.seconds):
            raise ValueError("negative travel time")

    @classmethod
    def from_rows(cls, mode: TravelMode, rows: Sequence[Sequence[int]]) -> Matrix:
        return cls(mode, len(rows), tuple(int(x) for row in rows for x in row))

    def __call__(self, origin: int, destination: int) -> int:
        return self.seconds[origin * self.size + destination]

    def rows(self, locations: Sequence[int]) -> list[list[int]]:
        """The sub-matrix between `locations` (in that order), as OR-Tools wants it."""
        n, t = self.size, self.seconds
        return [[t[a * n + b] for b in locations] for a in locations]


class MatrixProvider(Protocol):
    def matrix(self, locations: Sequence[Location], mode: TravelMode) -> Matrix: ...


def haversine_m(a: Location, b: Location) -> float:
    lat1, lat2 = math.radians(a.lat), math.radians(b.lat)
    dlat, dlon = lat2 - lat1, math.radians(b.lon - a.lon)
    h = math.sin(dlat / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(dlon / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(min(1.0, h)))


@dataclass(frozen=True, slots=True)
class HaversineProvider:
    """Straight-line distance x `detour` at the mode's speed; the default, offline provider."""

    detour: float = DEFAULT_DETOUR

    def matrix(self, locations: Sequence[Location], mode: TravelMode) -> Matrix:
        # Every pair at once: a city's month asks for millions of pairs, a loop of `haversine_m` took seconds.
        metres_per_second = SPEED_KMH[mode] / 3.6
        lon = np.radians([p.lon for p in locations])
        lat = np.radians([p.lat for p in locations])
        dlat, dlon = lat[None, :] - lat[:, None], lon[None, :] - lon[:, None]
        h = np.sin(dlat / 2) ** 2 + np.cos(lat)[:, None] * np.cos(lat)[None, :] * np.sin(dlon / 2) ** 2
        metres = 2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.minimum(1.0, h)))
        seconds = np.rint(metres * self.detour / metres_per_second).astype(np.int64)
        return Matrix(mode, len(locations), tuple(seconds.ravel().tolist()))


def build_matrices(
    locations: Sequence[Location],
    modes: Iterable[TravelMode],
    provider: MatrixProvider | None = None,
) -> tuple[Matrix, ...]:
    chosen = provider if provider is not None else HaversineProvider()
    return tuple(chosen.matrix(locations, mode) for mode in sorted(set(modes)))
