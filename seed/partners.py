"""The demo district's social-work station (社工站, 五社联动): a coordinator, 3 social workers and 5
volunteers paired (结对帮扶) with about 150 people of one street, and the contract the office buys its visits
under (政府购买服务).

Drawn from a random stream of its own (`<seed>:partners`) after the register is drawn, and choosing among the
register's rows by their own fields: everything seeded before it stays exactly as it was.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from seed import geography
from seed.district import Ledger
from seed.people import Names, mobile
from visitsvc.kernel import credit_code

SOCIAL_WORKERS = 3
VOLUNTEERS = 5
PEOPLE_PER_SOCIAL_WORKER = 25
PEOPLE_PER_VOLUNTEER = 12
# Paired with the station under the contract, no social worker named: the planner picks one of them.
PEOPLE_OF_THE_STATION = 15
# What the office buys a month; a little below what the paired people owe, so the quota shows.
MONTHLY_QUOTA = 110
HOME_PRICE, PHONE_PRICE = Decimal("60.00"), Decimal("15.00")
# Categories whose people a social worker takes first: those a trained visitor helps most.
CARE_CATEGORIES = ("失能", "失智", "重残", "计划生育特殊家庭", "孤寡")
COMPANY_CATEGORIES = ("独居", "空巢", "高龄")
# Volunteers give some days a week; one of them the weekend.
VOLUNTEER_DAYS = ("135", "246", "67", "12345", "35")


@dataclass(frozen=True, slots=True)
class Person:
    """A visitor's or the coordinator's account."""

    account: str
    name: str
    phone: str
    kind: str | None  # "social_worker" | "volunteer"; None: the coordinator
    weekdays: str | None
    minutes_per_day: int
    travel_mode: str  # TravelMode value
    start: tuple[float, float]


@dataclass(frozen=True, slots=True)
class Pairs:
    """People (by ID number) paired with an account, or with the station when `account` is None."""

    account: str | None
    id_numbers: tuple[str, ...]
    under_contract: bool


@dataclass(frozen=True)
class Station:
    name: str
    credit_code: str
    contact_name: str
    contact_phone: str
    street_code: str
    centre: tuple[float, float]
    coordinator: Person
    visitors: tuple[Person, ...]
    pairs: tuple[Pairs, ...]
    contract_code: str
    contract_first: date
    contract_last: date

    @property
    def paired(self) -> int:
        return sum(len(p.id_numbers) for p in self.pairs)


def generate(ledger: Ledger, *, today: date, random_seed: int = 20261101) -> Station:
    rng = random.Random(f"{random_seed}:partners")
    names = Names(random_seed + 19)
    street = next(a for a in ledger.areas if a["层级"] == geography.STREET)
    grids = _grids_of(ledger, street["区划代码"])
    # People with a home on the map: a visitor's route starts from where they live.
    people = [r for r in ledger.elders if r["所属网格"] in grids and r["经度"] and r["纬度"]]
    centre = _centre(people)
    phones: set[str] = {w["手机号"] for w in ledger.workers}

    def phone() -> str:
        while (number := mobile(rng)) in phones:
            pass
        phones.add(number)
        return number

    def name() -> str:
        return names.full(rng, rng.random() < 0.35)

    social_workers = tuple(
        Person(f"sw{i + 1:02d}", name(), phone(), "social_worker", None, rng.choice((300, 330, 360)), "ebike",
               geography.offset(centre, rng.uniform(-150, 150), rng.uniform(-150, 150)))
        for i in range(SOCIAL_WORKERS)
    )  # fmt: skip
    taken: set[str] = set()
    pairs: list[Pairs] = []
    needing = sorted(
        (r for r in people if any(c in r["类别"] for c in CARE_CATEGORIES)),
        key=lambda r: (_distance(centre, r), r["身份证号"]),
    )
    for sw in social_workers:
        mine = _nearest(needing, sw.start, PEOPLE_PER_SOCIAL_WORKER, taken)
        pairs.append(Pairs(sw.account, mine, under_contract=True))
    station = _nearest(needing, centre, PEOPLE_OF_THE_STATION, taken)
    pairs.append(Pairs(None, station, under_contract=True))
    company = [r for r in people if any(c in r["类别"] for c in COMPANY_CATEGORIES)]
    volunteers = []
    for i, days in enumerate(VOLUNTEER_DAYS[:VOLUNTEERS]):
        near = rng.choice(company)  # a volunteer of the neighbourhood: lives among those they visit
        home = (float(near["经度"]), float(near["纬度"]))
        volunteer = Person(f"vol{i + 1:02d}", name(), phone(), "volunteer", days, rng.choice((120, 150, 180)),
                           "walk", home)  # fmt: skip
        volunteers.append(volunteer)
        pairs.append(Pairs(volunteer.account, _nearest(company, home, PEOPLE_PER_VOLUNTEER, taken), False))
    first = today.replace(day=1)
    return Station(
        name=f"{street['名称']}社会工作服务站",
        credit_code=_credit_code(rng, street["区划代码"][:6]),
        contact_name=name(),
        contact_phone=phone(),
        street_code=street["区划代码"],
        centre=centre,
        coordinator=Person("coord01", name(), phone(), None, None, 60, "ebike", centre),
        visitors=(*social_workers, *volunteers),
        pairs=tuple(pairs),
        contract_code=f"GM-{first:%Y}-{street['区划代码'][-3:]}01",
        contract_first=first,
        contract_last=first.replace(year=first.year + 1) - timedelta(days=1),
    )


def _grids_of(ledger: Ledger, street_code: str) -> set[str]:
    communities = {a["区划代码"] for a in ledger.areas if a["上级代码"] == street_code}
    return {a["区划代码"] for a in ledger.areas if a["上级代码"] in communities}


def _centre(rows: list[dict[str, str]]) -> tuple[float, float]:
    return (
        sum(float(r["经度"]) for r in rows) / len(rows),
        sum(float(r["纬度"]) for r in rows) / len(rows),
    )


def _distance(point: tuple[float, float], row: dict[str, str]) -> float:
    east = (float(row["经度"]) - point[0]) * math.cos(math.radians(point[1]))
    return math.hypot(east, float(row["纬度"]) - point[1])


def _nearest(
    rows: list[dict[str, str]], point: tuple[float, float], n: int, taken: set[str]
) -> tuple[str, ...]:
    """The `n` people nearest `point` not paired yet (one pairing in force per person)."""
    free = sorted(
        (r for r in rows if r["身份证号"] not in taken), key=lambda r: (_distance(point, r), r["身份证号"])
    )
    chosen = tuple(r["身份证号"] for r in free[:n])
    taken.update(chosen)
    return chosen


def _credit_code(rng: random.Random, region: str) -> str:
    """A 统一社会信用代码 of a 民办非企业单位 (52, registered by civil affairs) that passes the check."""
    body = "".join(rng.choice(credit_code.CHARSET) for _ in range(9))
    first17 = f"52{region}{body}"
    return first17 + credit_code.check_character(first17)
