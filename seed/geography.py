"""The demo district's area tree laid out on the map: streets, communities, grids and the homes inside them.

Urban grids are a few residential compounds (小区) of 4-10 buildings each, close to the community office; a
village grid is two or three 村民小组 (hamlets) spread over a few kilometres. Coordinates are WGS-84.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass

from seed import vocab

DISTRICT_CODE = "330199"  # fictional: 杭州 (3301xx) has no 99
DISTRICT_CENTRE = (120.08, 30.28)  # west of 杭州 city, on land
_M_PER_DEG_LAT = 111_320.0

DISTRICT = "区县"
STREET = "街道乡镇"
COMMUNITY = "社区村"
GRID = "网格"


@dataclass(frozen=True, slots=True)
class Spot:
    """Where homes cluster: one building of a compound, or one hamlet of a village."""

    label: str  # "文一路128号3幢" or "3组"
    lon: float
    lat: float
    spread_m: float  # how far homes lie from the spot


@dataclass(frozen=True, slots=True)
class Grid:
    code: str
    urban: bool
    address_prefix: str  # "示范区文澜街道翠苑社区" or "示范区青山镇上塘村"
    office: tuple[float, float]  # the community office, where its grid workers start
    centre: tuple[float, float]


@dataclass(frozen=True, slots=True)
class Area:
    code: str
    name: str
    level: str
    parent: str
    centre: tuple[float, float]


@dataclass(frozen=True, slots=True)
class Shape:
    """How many streets, towns among them, communities per street and grids per community."""

    streets: int
    towns: int
    communities_per_street: int
    grids_per_community: int


def offset(point: tuple[float, float], east_m: float, north_m: float) -> tuple[float, float]:
    lon, lat = point
    m_per_deg_lon = _M_PER_DEG_LAT * math.cos(math.radians(lat))
    return lon + east_m / m_per_deg_lon, lat + north_m / _M_PER_DEG_LAT


def _lattice(n: int, spacing_m: float, rng: random.Random) -> list[tuple[float, float]]:
    """n points on a jittered square lattice centred on (0, 0), in metres east and north."""
    cols = math.ceil(math.sqrt(n))
    rows = math.ceil(n / cols)
    points = []
    for i in range(n):
        col, row = i % cols, i // cols
        jitter = spacing_m * 0.2
        points.append(
            (
                (col - (cols - 1) / 2) * spacing_m + rng.uniform(-jitter, jitter),
                ((rows - 1) / 2 - row) * spacing_m + rng.uniform(-jitter, jitter),
            )
        )
    return points


def _unique_names(firsts: Sequence[str], seconds: Sequence[str], n: int, rng: random.Random) -> list[str]:
    names = [f + s for f in firsts for s in seconds if f != s]
    if n > len(names):
        raise ValueError(f"only {len(names)} distinct names for {n} places")
    return rng.sample(names, n)


def build_areas(shape: Shape, rng: random.Random) -> tuple[list[Area], list[Grid]]:
    """The area tree, parents before children, and the grids in the same order as their rows."""
    if shape.towns > shape.streets or shape.towns > len(vocab.TOWN_STEMS):
        raise ValueError("too many towns")
    urban_streets = shape.streets - shape.towns
    district = Area(DISTRICT_CODE, vocab.DISTRICT_NAME, DISTRICT, "", DISTRICT_CENTRE)
    areas = [district]
    grids: list[Grid] = []
    street_names = [s + "街道" for s in rng.sample(vocab.STREET_STEMS, urban_streets)]
    street_names += [t + "镇" for t in rng.sample(vocab.TOWN_STEMS, shape.towns)]
    centres = [offset(DISTRICT_CENTRE, e, n) for e, n in _lattice(urban_streets, 3_200.0, rng)]
    for i in range(shape.towns):
        # Towns ring the built-up area to the west and south-west, 9-14 km out.
        angle = math.radians(110 + (i + 0.5) * 140 / shape.towns + rng.uniform(-8, 8))
        radius = rng.uniform(9_000, 14_000)
        centres.append(offset(DISTRICT_CENTRE, radius * math.cos(angle), radius * math.sin(angle)))
    per_street = shape.communities_per_street
    community_names = _unique_names(
        vocab.COMMUNITY_FIRST, vocab.COMMUNITY_SECOND, urban_streets * per_street, rng
    )
    village_names = _unique_names(vocab.VILLAGE_FIRST, vocab.VILLAGE_SECOND, shape.towns * per_street, rng)
    for s, (street_name, street_centre) in enumerate(zip(street_names, centres, strict=True)):
        urban = s < urban_streets
        street_code = f"{DISTRICT_CODE}{s + 1:03d}"
        areas.append(Area(street_code, street_name, STREET, DISTRICT_CODE, street_centre))
        spacing = 900.0 if urban else 2_600.0
        for c, (east, north) in enumerate(_lattice(per_street, spacing, rng)):
            centre = offset(street_centre, east, north)
            if urban:
                name = community_names[s * per_street + c] + "社区"
            else:
                name = village_names[(s - urban_streets) * per_street + c] + "村"
            community_code = f"{street_code}{c + 1:03d}"
            areas.append(Area(community_code, name, COMMUNITY, street_code, centre))
            grid_spacing = 260.0 if urban else 1_000.0
            prefix = f"{vocab.DISTRICT_NAME}{street_name}{name}"
            for g, (ge, gn) in enumerate(_lattice(shape.grids_per_community, grid_spacing, rng)):
                grid_code = f"{community_code}{g + 1:03d}"
                grid_centre = offset(centre, ge, gn)
                areas.append(Area(grid_code, f"{name}第{g + 1}网格", GRID, community_code, grid_centre))
                grids.append(Grid(grid_code, urban, prefix, centre, grid_centre))
    return areas, grids


def homes(grid: Grid, index_in_community: int, households: int, rng: random.Random) -> list[Spot]:
    """The buildings or hamlets of a grid, enough of them for `households` homes."""
    if grid.urban:
        return _compound_buildings(grid, index_in_community, households, rng)
    return _hamlets(grid, index_in_community, rng)


def _compound_buildings(grid: Grid, index: int, households: int, rng: random.Random) -> list[Spot]:
    # Each grid is one or two compounds off a road; roads repeat across the district as real ones do.
    spots = []
    buildings = max(4, min(30, households // 5))
    compounds = 1 if buildings <= 10 else 2
    for k in range(compounds):
        road = rng.choice(vocab.ROAD_FIRST) + rng.choice(vocab.ROAD_SUFFIX)
        number = rng.randrange(1, 80) * 2 + (index % 2)  # odd and even sides of the road
        compound_centre = offset(grid.centre, rng.uniform(-80, 80), rng.uniform(-80, 80))
        per = buildings // compounds + (1 if k < buildings % compounds else 0)
        for b, (east, north) in enumerate(_lattice(per, 40.0, rng)):
            lon, lat = offset(compound_centre, east, north)
            spots.append(Spot(f"{road}{number}号{b + 1}幢", lon, lat, 6.0))
    return spots


def _hamlets(grid: Grid, index: int, rng: random.Random) -> list[Spot]:
    per_grid = 3
    spots = []
    for h in range(per_grid):
        distance = rng.uniform(150, 600)
        angle = rng.uniform(0, 2 * math.pi)
        lon, lat = offset(grid.centre, distance * math.cos(angle), distance * math.sin(angle))
        spots.append(Spot(f"{index * per_grid + h + 1}组", lon, lat, rng.uniform(80, 180)))
    return spots
