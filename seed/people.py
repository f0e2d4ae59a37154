"""Made-up people for the demo 台账: names, phone numbers, ID numbers and the elders' register rows.

The proportions (ages, categories, ability levels) follow what a county register of vulnerable elders
looks like: mostly 空巢 and 独居, a sixth 失能, about 30% aged 80 or more.
"""

from __future__ import annotations

import random
from bisect import bisect
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import accumulate
from typing import Generic, TypeVar

from faker import Faker

from seed import vocab
from seed.geography import DISTRICT_CODE, Grid, Spot, offset
from visitsvc.kernel import geo, idnumber
from visitsvc.register import ledger_format

ELDER_COLUMNS = (*ledger_format.ELDER_COLUMNS, *ledger_format.ELDER_OPTIONAL)

CATEGORY_ORDER = ("独居", "空巢", "留守", "失能", "失智", "重残", "计划生育特殊家庭", "孤寡", "分散供养特困")

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Weighted(Generic[T]):
    """`random.choices` with the cumulative weights worked out once: it is called ten times a row."""

    items: tuple[T, ...]
    cumulative: tuple[float, ...]

    @classmethod
    def of(cls, pairs: Sequence[tuple[T, float]]) -> Weighted[T]:
        return cls(tuple(p[0] for p in pairs), tuple(accumulate(p[1] for p in pairs)))

    def pick(self, rng: random.Random) -> T:
        return self.items[bisect(self.cumulative, rng.random() * self.cumulative[-1])]


# Age bands of a register like this one: (first age, last age, share in percent); 30% are 80 or older.
_AGE_BANDS = (
    (60, 64, 17.0), (65, 69, 18.0), (70, 74, 17.0), (75, 79, 18.0), (80, 84, 14.0),
    (85, 89, 9.0), (90, 94, 5.0), (95, 99, 1.6), (100, 104, 0.4),
)  # fmt: skip
_AGES = Weighted.of([((low, high), share) for low, high, share in _AGE_BANDS])
_WILLINGNESS = Weighted.of([("同意上门", 93), ("仅电话", 5), ("拒绝", 2)])
_CARE_NEED = Weighted.of([("失能", 7), ("失智", 2), ("重残", 1)])
_ABILITY_DISABLED = Weighted.of([("轻度失能", 25), ("中度失能", 35), ("重度失能", 28), ("完全失能", 12)])
_ABILITY_DEMENTIA = Weighted.of([("能力完好", 20), ("轻度失能", 50), ("中度失能", 30)])
_MILD_DISABILITY = Weighted.of([("三级", 2), ("四级", 3)])
_RELATIONS = Weighted.of(vocab.RELATIONS)
_RELATIONS_LIVING_ALONE = Weighted.of([r for r in vocab.RELATIONS if r[0] != "老伴"])
_RELATIONS_NO_FAMILY = Weighted.of(vocab.RELATIONS_ALONE)
_MALE_RELATIONS = frozenset({"儿子", "女婿", "孙子", "侄子", "外甥"})
_FEMALE_RELATIONS = frozenset({"女儿", "儿媳", "孙女", "侄女"})
# Relations that carry the father's surname when the elder is a man.
_SAME_SURNAME = frozenset({"儿子", "女儿", "孙子", "孙女", "侄子", "侄女"})


class Names:
    """Pools drawn once from a seeded Faker, then combined with `random`: Faker per row is slow at 50,000."""

    def __init__(self, seed: int) -> None:
        fake = Faker("zh_CN")
        fake.seed_instance(seed)
        # Drawn one by one so that common surnames (王, 李, 张) come up as often as Faker weights them.
        self.surnames = [fake.last_name() for _ in range(3_000)]
        self.male = sorted({fake.first_name_male() for _ in range(1_000)})
        self.female = sorted({fake.first_name_female() for _ in range(1_000)})

    def given(self, rng: random.Random, male: bool, *, elder: bool) -> str:
        if elder and rng.random() < 0.5:
            return rng.choice(vocab.ELDER_MALE_GIVEN if male else vocab.ELDER_FEMALE_GIVEN)
        return rng.choice(self.male if male else self.female)

    def full(self, rng: random.Random, male: bool, *, elder: bool = False, surname: str = "") -> str:
        return (surname or rng.choice(self.surnames)) + self.given(rng, male, elder=elder)


def mobile(rng: random.Random) -> str:
    return rng.choice(vocab.MOBILE_PREFIXES) + f"{rng.randrange(100_000_000):08d}"


def landline(rng: random.Random, area_code: str = vocab.LANDLINE_AREA_CODE) -> str:
    return f"{area_code}-8{rng.randrange(10_000_000):07d}"


def birth_date(rng: random.Random, today: date) -> date:
    low, high = _AGES.pick(rng)
    age = rng.randint(low, high)
    latest = _years_before(today, age)  # turns `age` today
    earliest = _years_before(today, age + 1) + timedelta(days=1)  # turns age + 1 tomorrow
    return earliest + timedelta(days=rng.randrange((latest - earliest).days + 1))


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a common year
        return day.replace(year=day.year - years, day=28)


def id_number(
    rng: random.Random, birth: date, male: bool, taken: set[str], region: str = DISTRICT_CODE
) -> str:
    """A valid 居民身份证号 not in `taken` (which it joins): odd sequence for men, even for women."""
    while True:
        sequence = rng.randrange(500) * 2 + 1 if male else rng.randrange(1, 500) * 2
        first17 = f"{region}{birth:%Y%m%d}{sequence:03d}"
        if first17 not in taken:
            taken.add(first17)
            return first17 + idnumber.check_character(first17)


@dataclass(frozen=True, slots=True)
class Mix:
    """The shares that set a city district's register apart from a mountain county's; the defaults are the
    demo district's. Changing a share never changes how many draws a row takes, so a profile's other rows
    stay as they were."""

    living_alone: float = 0.38  # 独居; up to `empty_nest`: 空巢; the rest live with family
    empty_nest: float = 0.90
    left_behind: tuple[float, float] = (0.03, 0.35)  # 留守 (urban, rural): children work in the cities
    childless: float = 0.04  # 孤寡
    destitute: tuple[float, float] = (0.01, 0.04)  # 分散供养特困 (urban, rural)
    no_phone: float = 0.10
    landline: float = 0.35  # cumulative with `no_phone`: the rest have a mobile
    region: str = DISTRICT_CODE  # the first six digits of the ID numbers
    area_code: str = vocab.LANDLINE_AREA_CODE


class ElderMaker:
    """Makes the register rows of one district; keeps the ID numbers unique across all of them."""

    def __init__(self, rng: random.Random, names: Names, today: date, mix: Mix = Mix()) -> None:
        self.rng = rng
        self.names = names
        self.today = today
        self.mix = mix
        self.taken: set[str] = set()

    def grid_rows(self, grid: Grid, spots: list[Spot], count: int) -> list[dict[str, str]]:
        rows: list[dict[str, str]] = []
        used: set[str] = set()  # one household a door, except the couples below
        while len(rows) < count:
            row, home = self._elder(grid, spots, used)
            rows.append(row)
            # About one 空巢 home in six has both partners on the register: same door, same phone.
            if len(rows) < count and "空巢" in row["类别"] and self.rng.random() < 0.17:
                rows.append(self._partner(row, home, grid))
        return rows

    def _elder(
        self, grid: Grid, spots: list[Spot], used: set[str]
    ) -> tuple[dict[str, str], tuple[str, str, str, str]]:
        rng = self.rng
        birth = birth_date(rng, self.today)
        age = idnumber.age_on(birth, self.today)
        male = rng.random() >= min(0.5 + 0.006 * (age - 60), 0.75)  # women outlive men
        categories = self._categories(age, grid.urban)
        for _ in range(20):
            spot = rng.choice(spots)
            address = grid.address_prefix + spot.label + self._door(grid.urban)
            if address not in used:
                break
        used.add(address)
        lon, lat, datum = self._location(spot)
        phone = self._phone()
        home = (address, lon, lat, datum)
        row = self._row(birth, male, categories, grid, home, phone)
        return row, home

    def _partner(self, first: dict[str, str], home: tuple[str, str, str, str], grid: Grid) -> dict[str, str]:
        rng = self.rng
        first_birth = date.fromisoformat(first["出生日期"])
        birth = _years_before(first_birth, rng.randint(-6, 6)) + timedelta(days=rng.randrange(-150, 150))
        if idnumber.age_on(birth, self.today) < 60:
            birth = _years_before(self.today, 60) - timedelta(days=rng.randrange(1, 700))
        male = first["性别"] == "女"
        categories = [c for c in first["类别"].split("、") if c in ("空巢", "留守")]
        age = idnumber.age_on(birth, self.today)
        categories += [c for c in self._care_categories(age) if c not in categories]
        row = self._row(birth, male, categories, grid, home, first["联系电话"])
        if not first["紧急联系人"].endswith("（老伴）"):  # the same child answers for both
            row["紧急联系人"], row["紧急联系电话"] = first["紧急联系人"], first["紧急联系电话"]
        return row

    def _row(
        self,
        birth: date,
        male: bool,
        categories: list[str],
        grid: Grid,
        home: tuple[str, str, str, str],
        phone: str,
    ) -> dict[str, str]:
        rng = self.rng
        surname = rng.choice(self.names.surnames)
        name = self.names.full(rng, male, elder=True, surname=surname)
        contact, contact_phone = self._contact(surname, male, categories)
        start, end = rng.choice(vocab.PREFERRED_WINDOWS) if rng.random() < 0.10 else ("", "")
        address, lon, lat, datum = home
        ordered = [c for c in CATEGORY_ORDER if c in categories]
        row = {
            "姓名": name,
            "身份证号": id_number(rng, birth, male, self.taken, self.mix.region),
            "性别": "男" if male else "女",
            "出生日期": birth.isoformat(),
            "联系电话": phone,
            "居住地址": address,
            "经度": lon,
            "纬度": lat,
            "坐标系": datum,
            "所属网格": grid.code,
            "类别": "、".join(ordered),
            "能力等级": self._ability(ordered, idnumber.age_on(birth, self.today)),
            "残疾等级": self._disability(ordered),
            "紧急联系人": contact,
            "紧急联系电话": contact_phone,
            "探访意愿": _WILLINGNESS.pick(rng),
            "偏好开始时间": start,
            "偏好结束时间": end,
            "备注": rng.choice(vocab.NOTES) if rng.random() < 0.12 else "",
        }
        return {column: row[column] for column in ELDER_COLUMNS}  # the import's column order

    def _categories(self, age: int, urban: bool) -> list[str]:
        rng, mix = self.rng, self.mix
        r = rng.random()
        cats = ["独居"] if r < mix.living_alone else ["空巢"] if r < mix.empty_nest else []
        if rng.random() < mix.left_behind[0 if urban else 1]:
            cats.append("留守")
        cats += self._care_categories(age)
        if rng.random() < 0.025:
            cats.append("计划生育特殊家庭")
        if rng.random() < mix.childless:
            cats = ["独居" if c == "空巢" else c for c in cats] if cats else ["独居"]
            cats.append("孤寡")
        if rng.random() < mix.destitute[0 if urban else 1]:
            cats.append("分散供养特困")
        if not cats:  # living with family: on the register only for a care need
            cats.append(_CARE_NEED.pick(rng))
        return list(dict.fromkeys(cats))

    def _care_categories(self, age: int) -> list[str]:
        rng = self.rng
        frailty = 0.4 + 0.045 * (age - 60)  # about 1 on average over this register's ages
        cats = []
        if rng.random() < 0.105 * frailty:
            cats.append("失能")
        if rng.random() < 0.035 * frailty:
            cats.append("失智")
        if rng.random() < 0.022:
            cats.append("重残")
        return cats

    def _ability(self, categories: list[str], age: int) -> str:
        rng = self.rng
        disabled = "失能" in categories
        if rng.random() < (0.06 if disabled else 0.24):
            return ""  # not assessed yet
        if disabled:
            return _ABILITY_DISABLED.pick(rng)
        if "失智" in categories:
            return _ABILITY_DEMENTIA.pick(rng)
        return "轻度失能" if rng.random() < 0.05 + 0.006 * (age - 60) else "能力完好"

    def _disability(self, categories: list[str]) -> str:
        rng = self.rng
        if "重残" in categories:
            return rng.choice(("一级", "二级"))
        if rng.random() < 0.05:
            return _MILD_DISABILITY.pick(rng)
        return ""

    def _contact(self, elder_surname: str, male: bool, categories: list[str]) -> tuple[str, str]:
        rng = self.rng
        if rng.random() < 0.03:
            return "", ""
        if "孤寡" in categories or "分散供养特困" in categories:
            relation = _RELATIONS_NO_FAMILY.pick(rng)
        elif "独居" in categories:
            relation = _RELATIONS_LIVING_ALONE.pick(rng)
        else:
            relation = _RELATIONS.pick(rng)
        if relation == "老伴":
            name = self.names.full(rng, not male, elder=True)
        else:
            contact_male = relation in _MALE_RELATIONS or (
                relation not in _FEMALE_RELATIONS and rng.random() < 0.5
            )
            surname = elder_surname if male and relation in _SAME_SURNAME else ""
            name = self.names.full(rng, contact_male, surname=surname)
        return f"{name}（{relation}）", mobile(rng)

    def _door(self, urban: bool) -> str:
        rng = self.rng
        if urban:  # 一梯两户, low-rise: the flats elderly people have lived in since the 1990s
            return f"{rng.randint(1, 4)}单元{rng.randint(1, 7)}0{rng.randint(1, 2)}室"
        return f"{rng.randint(1, 90)}号"

    def _location(self, spot: Spot) -> tuple[str, str, str]:
        rng = self.rng
        r = rng.random()
        if r < 0.02:
            return "", "", ""  # not located yet
        lon, lat = offset((spot.lon, spot.lat), rng.gauss(0, spot.spread_m), rng.gauss(0, spot.spread_m))
        if r < 0.05:  # picked on a 高德 map by a clerk
            glon, glat = geo.wgs84_to_gcj02(lon, lat)
            return f"{glon:.6f}", f"{glat:.6f}", "GCJ-02"
        return f"{lon:.6f}", f"{lat:.6f}", ""

    def _phone(self) -> str:
        r = self.rng.random()
        if r < self.mix.no_phone:
            return ""
        return landline(self.rng, self.mix.area_code) if r < self.mix.landline else mobile(self.rng)
