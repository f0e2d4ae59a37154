"""A rural, mountainous county (`python -m seed --size county`): the shape of issue 20, not a city district.

云岭县 (code 530599: 保山市 has no 99) is a county town, 城关镇, and six townships (乡/镇) 26-40 km out in the
hills. Each township is a ring of administrative villages (行政村) 7-17 km from its seat, so that a village's
nearest neighbour is 7-20 km away (about 10 km as a rule) and villages are up to 100 km apart across the
county. A village is one or two grids; its people live in 自然村 (hamlets) 1-4.5 km from the village committee
(村委会), where its grid workers start. Rural workers ride an e-bike or walk, 2-4 hours a day of visits.

Grid sizes are set against what the grid's worker can reach alone in a month (`reach`): about 40% of the
village grids hold 1.5-3 times that, the rest leave their worker spare time. Overflow today goes only to
colleagues within 5 km of their start, so a county like this shows the planning-day shortfall the issue is
about. The register leans rural: more 独居, 留守 and 分散供养特困 than the demo, more people without a phone.

Everything draws from its own streams (`{seed}:county:...`), so the demo, district and city stay as they were.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import date

from seed import vocab
from seed.district import EBIKE, WALK, WORK_END, WORK_START, Ledger, Staff
from seed.geography import COMMUNITY, DISTRICT, GRID, STREET, Area, Grid, Spot, offset
from seed.people import ElderMaker, Mix, Names, mobile
from visitsvc.kernel import geo

COUNTY_CODE = "530599"
COUNTY_CENTRE = (99.30, 24.90)  # the county town, in the hills south-east of 保山's basin
TOWNSHIPS = 6
TOWN_COMMUNITIES = 3  # each of two grids, in the county town itself
TOWN_VILLAGES = 3  # 城关镇's own villages around the town
VILLAGES_PER_TOWNSHIP = (3, 5)
VILLAGE_GAP_M = 7_000  # a village committee's nearest neighbour is further than this
OVERLOADED_SHARE = 0.4  # of the village grids
OVERLOAD = (1.5, 3.0)  # times what their worker reaches alone
SPARE = (0.5, 0.95)
TOWN_LOAD = (0.7, 1.2)

# What `reach` assumes of the planner (visitsvc/planning/route_problems.py, policy.py): a visit's load is 30
# minutes plus the way to the nearest other home; a worker who cannot fit their people gives up the room kept
# for tries again and fills the whole daily budget; a month has about 22 working days; with weekly home
# visits for high-risk people (more of them where children have left) a person costs 1.5-1.7 visits a month
# (the default county owes 1.61 in December 2026, five weeks, and 1.46 in January 2027, four); taking the
# higher errs on the side of a grid being short. Checked by tests/integration/test_county_plan.py.
HOME_MINUTES = 30
WORKDAYS = 22
VISITS_PER_PERSON = 1.7
BETWEEN_HOMES_MINUTES = {WALK: 3.0, EBIKE: 1.5}

RURAL_MIX = Mix(
    living_alone=0.45,
    empty_nest=0.88,
    left_behind=(0.10, 0.55),
    childless=0.06,
    destitute=(0.03, 0.09),
    no_phone=0.14,
    landline=0.30,
    region=COUNTY_CODE,
    area_code=vocab.COUNTY_LANDLINE_AREA_CODE,
)


@dataclass(frozen=True, slots=True)
class GridPlan:
    """A grid as designed: where its homes are, who works it, how many people it holds against its reach."""

    grid: Grid
    spots: list[Spot]
    mode: str
    minutes: int
    people: int


def reach(minutes_per_day: int, mode: str) -> float:
    """About how many people one worker can visit alone in a month, by the planner's own daily budget."""
    per_day = minutes_per_day / (HOME_MINUTES + BETWEEN_HOMES_MINUTES[mode])
    return WORKDAYS * per_day / VISITS_PER_PERSON


def generate(*, today: date, random_seed: int = 20261101) -> Ledger:
    """The county's three 台账, parents first, as `seed.district.generate` gives a district's."""
    area_rng = random.Random(f"{random_seed}:county:areas")
    worker_rng = random.Random(f"{random_seed}:county:workers")
    elder_rng = random.Random(f"{random_seed}:county:elders")
    names = Names(random_seed)

    areas, plans = _layout(area_rng, worker_rng)
    maker = ElderMaker(elder_rng, names, today, RURAL_MIX)
    elders: list[dict[str, str]] = []
    for plan in plans:
        elders += maker.grid_rows(plan.grid, plan.spots, plan.people)
    staff, workers = _accounts(areas, plans, worker_rng, names)
    return Ledger(
        staff=staff,
        areas=[{"区划代码": a.code, "名称": a.name, "层级": a.level, "上级代码": a.parent} for a in areas],
        workers=workers,
        elders=elders,
    )


def _layout(rng: random.Random, worker_rng: random.Random) -> tuple[list[Area], list[GridPlan]]:
    county = Area(COUNTY_CODE, vocab.COUNTY_NAME, DISTRICT, "", COUNTY_CENTRE)
    areas = [county]
    plans: list[GridPlan] = []
    stems = rng.sample(vocab.TOWNSHIP_STEMS, TOWNSHIPS)
    township_names = [vocab.COUNTY_TOWN] + [s + rng.choice(("乡", "镇")) for s in stems]
    village_names = iter(
        rng.sample(
            [f + s + "村" for f in vocab.HILL_VILLAGE_FIRST for s in vocab.HILL_VILLAGE_SECOND if f != s],
            TOWN_VILLAGES + TOWNSHIPS * VILLAGES_PER_TOWNSHIP[1],
        )
    )
    first_angle = rng.uniform(0, 360)
    placed: list[tuple[float, float]] = []  # village committees so far
    for t, township in enumerate(township_names):
        code = f"{COUNTY_CODE}{t + 1:03d}"
        if t == 0:
            seat = COUNTY_CENTRE
        else:
            # Townships spread round the county town, one a sixth of the way round from the next.
            angle = math.radians(first_angle + (t - 1) * 360 / TOWNSHIPS + rng.uniform(-12, 12))
            radius = rng.uniform(26_000, 40_000)
            seat = offset(COUNTY_CENTRE, radius * math.cos(angle), radius * math.sin(angle))
        areas.append(Area(code, township, STREET, COUNTY_CODE, seat))
        prefix = vocab.COUNTY_NAME + township
        number = 0
        if t == 0:
            for name in rng.sample(vocab.TOWN_COMMUNITIES, TOWN_COMMUNITIES):
                number += 1
                east, north = rng.uniform(-900, 900), rng.uniform(-900, 900)
                office = offset(seat, east, north)
                community = f"{code}{number:03d}"
                areas.append(Area(community, name + "社区", COMMUNITY, code, office))
                plans += _town_grids(areas, community, name + "社区", prefix, office, rng, worker_rng)
        villages = TOWN_VILLAGES if t == 0 else rng.randint(*VILLAGES_PER_TOWNSHIP)
        ring = rng.uniform(8_000, 11_000) if t == 0 else rng.uniform(9_000, 14_000)
        turn = rng.uniform(0, 360)
        for v in range(villages):
            number += 1
            centre = _village_site(seat, ring, turn + v * 360 / villages, placed, rng)
            placed.append(centre)
            name = next(village_names)
            village_code = f"{code}{number:03d}"
            areas.append(Area(village_code, name, COMMUNITY, code, centre))
            plans += _village_grids(areas, village_code, name, prefix, centre, rng, worker_rng)
    return areas, plans


def _village_site(
    seat: tuple[float, float],
    ring: float,
    bearing: float,
    placed: list[tuple[float, float]],
    rng: random.Random,
) -> tuple[float, float]:
    """A village committee on its township's ring, at least `VILLAGE_GAP_M` from every village placed so far
    (two townships' rings can meet), looking further round the ring each try; after 100, the last one."""
    for attempt in range(100):
        spread = 15 + attempt  # wider and wider round the ring
        angle = math.radians(bearing + rng.uniform(-spread, spread))
        radius = ring * rng.uniform(0.8, 1.2)
        site = offset(seat, radius * math.cos(angle), radius * math.sin(angle))
        if all(geo.haversine_m(*site, *other) >= VILLAGE_GAP_M for other in placed):
            break
    return site


def _town_grids(
    areas: list[Area],
    code: str,
    name: str,
    prefix: str,
    office: tuple[float, float],
    rng: random.Random,
    worker_rng: random.Random,
) -> list[GridPlan]:
    """The county town's compounds: compact, walked, about as many people as their workers reach."""
    plans = []
    for g in range(2):
        centre = offset(office, rng.uniform(-300, 300), rng.uniform(-300, 300))
        grid = Grid(f"{code}{g + 1:03d}", True, prefix + name, office, centre)
        areas.append(Area(grid.code, f"{name}第{g + 1}网格", GRID, code, centre))
        road = rng.choice(vocab.TOWN_ROADS)
        gate = rng.randrange(1, 120)
        spots = []
        for b in range(rng.randint(6, 12)):
            lon, lat = offset(centre, rng.uniform(-120, 120), rng.uniform(-120, 120))
            spots.append(Spot(f"{road}{gate}号{b + 1}幢", lon, lat, 8.0))
        minutes = worker_rng.choice((180, 210, 240))
        people = round(reach(minutes, WALK) * rng.uniform(*TOWN_LOAD))
        plans.append(GridPlan(grid, spots, WALK, minutes, people))
    return plans


def _village_grids(
    areas: list[Area],
    code: str,
    name: str,
    prefix: str,
    centre: tuple[float, float],
    rng: random.Random,
    worker_rng: random.Random,
) -> list[GridPlan]:
    """One or two grids, each a few hamlets a few kilometres from the village committee."""
    grids = 2 if rng.random() < 0.4 else 1
    hamlets = _hamlets(centre, rng.randint(3 * grids, 3 * grids + 2), rng)
    per = math.ceil(len(hamlets) / grids)
    plans = []
    for g in range(grids):
        mine = hamlets[g * per : (g + 1) * per]
        middle = (sum(s.lon for s in mine) / len(mine), sum(s.lat for s in mine) / len(mine))
        grid = Grid(f"{code}{g + 1:03d}", False, prefix + name, centre, middle)
        areas.append(Area(grid.code, f"{name}第{g + 1}网格", GRID, code, middle))
        # Some workers walk (no e-bike, or paths an e-bike cannot take); most ride.
        mode = worker_rng.choices((WALK, EBIKE), weights=(30, 70))[0]
        minutes = worker_rng.choices((120, 150, 180, 210, 240), weights=(15, 20, 30, 20, 15))[0]
        load = OVERLOAD if rng.random() < OVERLOADED_SHARE else SPARE
        people = max(8, round(reach(minutes, mode) * rng.uniform(*load)))
        plans.append(GridPlan(grid, mine, mode, minutes, people))
    return plans


def _hamlets(centre: tuple[float, float], n: int, rng: random.Random) -> list[Spot]:
    """`n` 自然村 round the village committee, in order of their bearing so that a grid takes neighbours."""
    names: list[str] = []
    while len(names) < n:
        if rng.random() < 0.5:
            candidate = rng.choice(vocab.HAMLET_FAMILIES) + "家" + rng.choice(vocab.HAMLET_SUFFIX)
        else:
            candidate = rng.choice(vocab.HAMLET_PLACES)
        if candidate not in names:
            names.append(candidate)
    spots = []
    turn = rng.uniform(0, 2 * math.pi)
    for h, name in enumerate(names):
        angle = turn + h * 2 * math.pi / n + rng.uniform(-0.3, 0.3)
        distance = rng.uniform(1_000, 4_500)
        lon, lat = offset(centre, distance * math.cos(angle), distance * math.sin(angle))
        spots.append(Spot(name, lon, lat, rng.uniform(60, 150)))
    return spots


def _accounts(
    areas: list[Area], plans: list[GridPlan], rng: random.Random, names: Names
) -> tuple[list[Staff], list[dict[str, str]]]:
    phones: set[str] = set()

    def phone() -> str:
        while (number := mobile(rng)) in phones:
            pass
        phones.add(number)
        return number

    def name() -> str:
        return names.full(rng, rng.random() < 0.45)

    townships = [a for a in areas if a.level == STREET]
    staff = [Staff("admin", name(), phone(), "admin", COUNTY_CODE)]
    staff += [
        Staff(f"sup{i + 1:02d}", name(), phone(), "supervisor", t.code) for i, t in enumerate(townships)
    ]
    rows = []
    width = max(3, len(str(len(plans))))
    for i, plan in enumerate(plans):
        start = plan.grid.office
        rows.append(
            {
                "账号": f"w{i + 1:0{width}d}",
                "姓名": name(),
                "手机号": phone(),
                "负责网格": plan.grid.code,
                "出行方式": plan.mode,
                "起点经度": f"{start[0]:.6f}",
                "起点纬度": f"{start[1]:.6f}",
                "每日工时": f"{plan.minutes / 60:g}",
                "上班时间": WORK_START,
                "下班时间": WORK_END,
            }
        )
    return staff, rows
