"""A fictional district's 台账 (ledger) as the import service reads it: areas, workers, elders.

`generate` is deterministic: the same profile, seed and day give the same rows, so a demo database, a
benchmark and a bug report all talk about the same people. Nobody in it exists: the district code 330199
is unused, names are drawn from pools, ID numbers only pass the checksum.
"""

from __future__ import annotations

import csv
import random
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from seed import geography
from seed.geography import Grid, Shape
from seed.people import ELDER_COLUMNS, ElderMaker, Names, mobile
from visitsvc.register import ledger_format

__all__ = [
    "AREA_COLUMNS",
    "DEMO_PASSWORD",
    "ELDER_COLUMNS",
    "PROFILES",
    "WORKER_COLUMNS",
    "Ledger",
    "Profile",
    "generate",
    "write_csv",
]

DEMO_PASSWORD = "demo1234"  # noqa: S105 - the demo logins that `make run` prints; never a real deployment

AREA_COLUMNS = ("区划代码", "名称", "层级", "上级代码")
WORKER_COLUMNS = (*ledger_format.WORKER_COLUMNS, *ledger_format.WORKER_OPTIONAL)

WALK, EBIKE, CAR = "步行", "电动车", "汽车"
WORK_START, WORK_END = "08:30", "17:30"


@dataclass(frozen=True, slots=True)
class Profile:
    shape: Shape
    elders: int
    overload: float = 3.0  # the one overloaded grid holds this many times the average


PROFILES = {
    # 3 streets (the last a town of villages), 12 communities, 60 grids, 3,000 elders.
    "demo": Profile(Shape(streets=3, towns=1, communities_per_street=4, grids_per_community=5), 3_000),
    # Between the two, for `benchmarks.scale`: 5 streets (one a town), 50 communities, 250 grids, 12,500.
    "district": Profile(Shape(streets=5, towns=1, communities_per_street=10, grids_per_community=5), 12_500),
    # The same shape scaled for benchmarks: 10 streets, 100 communities, 1,000 grids, 50,000 elders.
    "city": Profile(Shape(streets=10, towns=3, communities_per_street=10, grids_per_community=10), 50_000),
}


@dataclass(frozen=True, slots=True)
class Staff:
    """A supervisor or admin account: not in the workers 台账, which lists grid workers only."""

    account: str
    name: str
    phone: str
    role: str  # "admin" | "supervisor"
    area_code: str


@dataclass(frozen=True)
class Ledger:
    areas: list[dict[str, str]]
    workers: list[dict[str, str]]
    elders: list[dict[str, str]]
    staff: list[Staff]


def generate(profile: str = "demo", *, today: date, random_seed: int = 20261101) -> Ledger:
    """The district's three 台账 as rows of strings keyed by their Chinese headers, parents first."""
    if profile not in PROFILES:
        raise ValueError(f"unknown profile {profile!r}: one of {', '.join(PROFILES)}")
    spec = PROFILES[profile]
    # One stream per part, so that a change to how elders are drawn leaves the map and the accounts alone.
    area_rng = random.Random(f"{random_seed}:areas")
    worker_rng = random.Random(f"{random_seed}:workers")
    elder_rng = random.Random(f"{random_seed}:elders")
    names = Names(random_seed)

    areas, grids = geography.build_areas(spec.shape, area_rng)
    overloaded = area_rng.choice([g for g in grids if g.urban])
    counts = _elders_per_grid(grids, overloaded, spec, area_rng)

    maker = ElderMaker(elder_rng, names, today)
    elders: list[dict[str, str]] = []
    per_community = spec.shape.grids_per_community
    for i, grid in enumerate(grids):
        spots = geography.homes(grid, i % per_community, counts[grid.code], area_rng)
        elders += maker.grid_rows(grid, spots, counts[grid.code])

    staff, workers = _workers(areas, grids, overloaded, worker_rng, names)
    return Ledger(
        staff=staff,
        areas=[{"区划代码": a.code, "名称": a.name, "层级": a.level, "上级代码": a.parent} for a in areas],
        workers=workers,
        elders=elders,
    )


def write_csv(ledger: Ledger, directory: Path) -> dict[str, Path]:
    """areas.csv, workers.csv, elders.csv in UTF-8 with a BOM, so that Excel shows the Chinese."""
    directory.mkdir(parents=True, exist_ok=True)
    tables = {
        "areas": (AREA_COLUMNS, ledger.areas),
        "workers": (WORKER_COLUMNS, ledger.workers),
        "elders": (ELDER_COLUMNS, ledger.elders),
    }
    paths = {}
    for name, (columns, rows) in tables.items():
        path = directory / f"{name}.csv"
        with path.open("w", encoding="utf-8-sig", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=columns, extrasaction="raise")
            writer.writeheader()
            writer.writerows(rows)
        paths[name] = path
    return paths


def _elders_per_grid(
    grids: list[Grid], overloaded: Grid, spec: Profile, rng: random.Random
) -> dict[str, int]:
    """Grid sizes within +-30% of the average, one grid at `overload` times it; they sum to `spec.elders`."""
    weights = {g.code: rng.uniform(0.7, 1.3) for g in grids}
    normal = [w for code, w in weights.items() if code != overloaded.code]
    weights[overloaded.code] = spec.overload * sum(normal) / len(normal)
    total = sum(weights.values())
    quotas = {code: spec.elders * w / total for code, w in weights.items()}
    counts = {code: int(q) for code, q in quotas.items()}
    # Largest remainders take the seats the floors left over.
    short = spec.elders - sum(counts.values())
    for code in sorted(quotas, key=lambda c: (counts[c] - quotas[c], c))[:short]:
        counts[code] += 1
    return counts


def _workers(
    areas: list[geography.Area],
    grids: list[Grid],
    overloaded: Grid,
    rng: random.Random,
    names: Names,
) -> tuple[list[Staff], list[dict[str, str]]]:
    phones: set[str] = set()

    def phone() -> str:
        while (number := mobile(rng)) in phones:
            pass
        phones.add(number)
        return number

    def name() -> str:
        return names.full(rng, rng.random() < 0.45)  # more women than men do this work

    def row(account: str, grid: str, mode: str, start: tuple[float, float], minutes: int) -> dict[str, str]:
        return {
            "账号": account,
            "姓名": name(),
            "手机号": phone(),
            "负责网格": grid,
            "出行方式": mode,
            "起点经度": f"{start[0]:.6f}",
            "起点纬度": f"{start[1]:.6f}",
            "每日工时": f"{minutes / 60:g}",
            "上班时间": WORK_START,
            "下班时间": WORK_END,
        }

    district = areas[0]
    streets = [a for a in areas if a.level == geography.STREET]
    staff = [Staff("admin", name(), phone(), "admin", district.code)]
    staff += [Staff(f"sup{i + 1:02d}", name(), phone(), "supervisor", s.code) for i, s in enumerate(streets)]
    rows = []
    width = max(3, len(str(len(grids))))
    for i, grid in enumerate(grids):
        if grid is overloaded:
            # Walking and the shortest day: the planner's shortfall report has something to show.
            mode, minutes = WALK, 240
        else:
            modes = (WALK, EBIKE) if grid.urban else (EBIKE, CAR)
            mode = rng.choices(modes, weights=(55, 45) if grid.urban else (70, 30))[0]
            minutes = rng.choice((240, 270, 300, 330, 360))
        rows.append(row(f"w{i + 1:0{width}d}", grid.code, mode, grid.office, minutes))
    return staff, rows
