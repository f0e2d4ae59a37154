"""The demo district's 台账: the shape it promises, rows the register accepts, the same rows every time."""

from __future__ import annotations

import csv
import re
import statistics
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from seed.district import (
    AREA_COLUMNS,
    ELDER_COLUMNS,
    WORKER_COLUMNS,
    Ledger,
    generate,
    write_csv,
)
from visitsvc.kernel import geo, idnumber
from visitsvc.model import AbilityLevel, Category, DisabilityGrade, Willingness
from visitsvc.register.ledger_format import LedgerKind, check_headers

TODAY = date(2026, 11, 1)
CODE_LENGTH = {"区县": 6, "街道乡镇": 9, "社区村": 12, "网格": 15}
MOBILE = re.compile(r"^1[3-9]\d{9}$")
LANDLINE = re.compile(r"^0571-8\d{7}$")


@pytest.fixture(scope="module")
def demo() -> Ledger:
    """The demo district as `make run` loads it: 60 grids, 64 accounts, 3,000 elders."""
    return generate("demo", today=TODAY)


def _grid_sizes(ledger: Ledger) -> Counter[str]:
    return Counter(e["所属网格"] for e in ledger.elders)


def test_demo_has_three_streets_twelve_communities_sixty_grids(demo: Ledger) -> None:
    levels = Counter(a["层级"] for a in demo.areas)
    assert levels == {"区县": 1, "街道乡镇": 3, "社区村": 12, "网格": 60}
    assert demo.areas[0] == {"区划代码": "330199", "名称": "示范区", "层级": "区县", "上级代码": ""}
    streets = [a["名称"] for a in demo.areas if a["层级"] == "街道乡镇"]
    assert sum(s.endswith("镇") for s in streets) == 1
    assert sum(s.endswith("街道") for s in streets) == 2


def test_demo_has_an_admin_three_supervisors_and_sixty_grid_workers(demo: Ledger) -> None:
    assert [s.account for s in demo.staff] == ["admin", "sup01", "sup02", "sup03"]
    assert [w["账号"] for w in demo.workers] == [f"w{i:03d}" for i in range(1, 61)]
    assert len(demo.elders) == 3_000


def test_the_benchmark_district_is_the_demo_shape_at_250_grids_and_12500_elders() -> None:
    """`benchmarks.scale`'s middle size: 50 people per grid, as in the demo and the city."""
    district = generate("district", today=TODAY)
    levels = Counter(a["层级"] for a in district.areas)
    assert levels == {"区县": 1, "街道乡镇": 5, "社区村": 50, "网格": 250}
    assert sum(a["名称"].endswith("镇") for a in district.areas if a["层级"] == "街道乡镇") == 1
    assert [s.account for s in district.staff] == ["admin", *(f"sup{i:02d}" for i in range(1, 6))]
    assert len(district.workers) == 250
    assert len(district.elders) == 12_500
    sizes = _grid_sizes(district)
    assert len(sizes) == 250
    assert max(sizes.values()) >= 2.5 * statistics.median(sizes.values()), "one overloaded grid"


def test_rows_have_exactly_the_columns_in_order(demo: Ledger) -> None:
    for rows, columns in (
        (demo.areas, AREA_COLUMNS),
        (demo.workers, WORKER_COLUMNS),
        (demo.elders, ELDER_COLUMNS),
    ):
        assert all(tuple(r) == columns for r in rows)
        assert all(isinstance(v, str) for r in rows for v in r.values())


@pytest.mark.parametrize(
    ("kind", "columns"),
    [
        (LedgerKind.AREAS, AREA_COLUMNS),
        (LedgerKind.WORKERS, WORKER_COLUMNS),
        (LedgerKind.ELDERS, ELDER_COLUMNS),
    ],
)
def test_the_headers_are_what_the_import_reads(kind: LedgerKind, columns: tuple[str, ...]) -> None:
    assert check_headers(kind, list(columns)) == []


def test_area_codes_form_a_tree_parents_first(demo: Ledger) -> None:
    seen: dict[str, str] = {}  # code -> level, of the rows read so far
    for area in demo.areas:
        code, level, parent = area["区划代码"], area["层级"], area["上级代码"]
        assert code.isdigit()
        assert len(code) == CODE_LENGTH[level]
        if level == "区县":
            assert parent == ""
        else:
            assert code[:-3] == parent
            assert CODE_LENGTH[seen[parent]] == CODE_LENGTH[level] - 3  # the parent came first, one level up
        assert code not in seen
        seen[code] = level
    assert len({a["名称"] for a in demo.areas}) == len(demo.areas)


def test_every_id_number_is_valid_and_agrees_with_sex_and_birth_date(demo: Ledger) -> None:
    for elder in demo.elders:
        number = elder["身份证号"]
        parsed = idnumber.parse(number)  # raises on a bad shape, date or check character
        assert number[:6] == "330199"
        assert number[17] == idnumber.check_character(number[:17])
        assert parsed.birth_date.isoformat() == elder["出生日期"]
        assert elder["性别"] == ("男" if parsed.is_male else "女")


def test_id_numbers_are_unique(demo: Ledger) -> None:
    numbers = [e["身份证号"] for e in demo.elders]
    assert len(set(numbers)) == len(numbers)


@pytest.mark.parametrize("today", [TODAY, date(2028, 2, 29), date(2027, 1, 1)])
def test_everyone_is_sixty_or_older_today(today: date) -> None:
    ledger = generate("demo", today=today)
    ages = [idnumber.age_on(date.fromisoformat(e["出生日期"]), today) for e in ledger.elders]
    assert min(ages) >= 60


def test_ages_look_like_a_register_about_thirty_percent_eighty_plus(demo: Ledger) -> None:
    ages = [idnumber.age_on(date.fromisoformat(e["出生日期"]), TODAY) for e in demo.elders]
    assert 0.25 <= sum(a >= 80 for a in ages) / len(ages) <= 0.35
    assert max(ages) >= 100
    assert 70 <= statistics.median(ages) <= 78


def test_every_elder_lives_in_an_existing_grid(demo: Ledger) -> None:
    grids = {a["区划代码"] for a in demo.areas if a["层级"] == "网格"}
    assert {e["所属网格"] for e in demo.elders} == grids


def test_each_grid_worker_has_one_grid_and_every_grid_a_worker(demo: Ledger) -> None:
    grids = [a["区划代码"] for a in demo.areas if a["层级"] == "网格"]
    assigned = [w["负责网格"].split("、") for w in demo.workers]
    assert all(len(g) == 1 for g in assigned)
    assert sorted(g[0] for g in assigned) == sorted(grids)


def test_supervisors_hold_a_street_and_the_admin_the_district(demo: Ledger) -> None:
    streets = [a["区划代码"] for a in demo.areas if a["层级"] == "街道乡镇"]
    by_role: dict[str, list[str]] = {}
    for s in demo.staff:
        by_role.setdefault(s.role, []).append(s.area_code)
    assert by_role["supervisor"] == streets
    assert by_role["admin"] == ["330199"]


def test_workers_have_real_looking_fields(demo: Ledger) -> None:
    phones = [w["手机号"] for w in demo.workers]
    assert all(MOBILE.match(p) for p in phones)
    assert len(set(phones)) == len(phones)
    for w in demo.workers:
        assert w["出行方式"] in {"步行", "电动车", "汽车"}
        assert geo.in_china(float(w["起点经度"]), float(w["起点纬度"]))
        assert (w["上班时间"], w["下班时间"]) == ("08:30", "17:30")
        assert 0 < float(w["每日工时"]) <= 9


def test_village_grid_workers_ride_and_drive(demo: Ledger) -> None:
    towns = {a["区划代码"] for a in demo.areas if a["名称"].endswith("镇")}
    village_workers = [w for w in demo.workers if w["负责网格"][:9] in towns]
    assert village_workers
    assert {w["出行方式"] for w in village_workers} <= {"电动车", "汽车"}


def test_one_urban_grid_is_overloaded_and_its_worker_walks(demo: Ledger) -> None:
    sizes = _grid_sizes(demo)
    (grid, biggest), (_, second) = sizes.most_common(2)
    assert biggest >= 2.5 * statistics.median(sizes.values())
    assert second < 1.5 * statistics.median(sizes.values())
    worker = next(w for w in demo.workers if w["负责网格"] == grid)
    assert worker["出行方式"] == "步行"


def test_categories_and_grades_come_from_the_register_vocabularies(demo: Ledger) -> None:
    categories = set(Category.labels()) - {"高龄"}  # the register adds 高龄 itself at 80
    for e in demo.elders:
        listed = e["类别"].split("、")
        assert listed
        assert set(listed) <= categories
        assert len(set(listed)) == len(listed)
        assert e["能力等级"] in {"", *AbilityLevel.labels()}
        assert e["残疾等级"] in {"", *DisabilityGrade.labels()}
        assert e["探访意愿"] in Willingness.labels()
        if "重残" in listed:
            assert e["残疾等级"] in {"一级", "二级"}
        assert (e["偏好开始时间"] == "") == (e["偏好结束时间"] == "")
        assert e["偏好开始时间"] <= e["偏好结束时间"]


def test_category_mix_is_realistic(demo: Ledger) -> None:
    n = len(demo.elders)
    share = Counter(c for e in demo.elders for c in e["类别"].split("、"))
    assert share["空巢"] / n > 0.3
    assert share["独居"] / n > 0.2
    assert 0.10 <= share["失能"] / n <= 0.20
    assert 0.02 <= share["失智"] / n <= 0.08
    assert 0.01 <= share["重残"] / n <= 0.05


def test_phones_are_mobiles_or_hangzhou_landlines(demo: Ledger) -> None:
    phones = [e["联系电话"] for e in demo.elders]
    assert all(p == "" or MOBILE.match(p) or LANDLINE.match(p) for p in phones)
    assert 0.05 <= phones.count("") / len(phones) <= 0.15
    contacts = [e for e in demo.elders if e["紧急联系人"]]
    assert all(MOBILE.match(e["紧急联系电话"]) for e in contacts)


def test_coordinates_are_paired_in_china_and_a_few_missing(demo: Ledger) -> None:
    missing = 0
    for e in demo.elders:
        assert (e["经度"] == "") == (e["纬度"] == "")
        if e["经度"] == "":
            missing += 1
            assert e["坐标系"] == ""
            continue
        assert re.fullmatch(r"\d+\.\d{6}", e["经度"])
        assert e["坐标系"] in {"", "GCJ-02"}
        assert geo.in_china(float(e["经度"]), float(e["纬度"]))
    assert 0.005 <= missing / len(demo.elders) <= 0.04


def test_homes_lie_near_their_community_office(demo: Ledger) -> None:
    office = {w["负责网格"]: (float(w["起点经度"]), float(w["起点纬度"])) for w in demo.workers}
    for e in demo.elders:
        if e["经度"] == "":
            continue
        datum = geo.parse_datum(e["坐标系"])
        lon, lat = geo.to_wgs84(float(e["经度"]), float(e["纬度"]), datum)
        limit = 1_500 if "街道" in e["居住地址"] else 5_000
        assert geo.haversine_m(lon, lat, *office[e["所属网格"]]) < limit


def test_gcj02_coordinates_are_really_shifted_from_wgs84(demo: Ledger) -> None:
    """Converted back, a GCJ-02 home sits in the same building as its neighbours given in WGS-84."""
    wgs: dict[str, list[tuple[float, float]]] = {}
    for e in demo.elders:
        if e["经度"] and not e["坐标系"]:
            wgs.setdefault(e["居住地址"].split("幢")[0], []).append((float(e["经度"]), float(e["纬度"])))
    checked = 0
    for e in demo.elders:
        building = e["居住地址"].split("幢")[0]
        if e["坐标系"] != "GCJ-02" or "街道" not in e["居住地址"] or building not in wgs:
            continue
        raw = (float(e["经度"]), float(e["纬度"]))
        back = geo.gcj02_to_wgs84(*raw)
        nearest = min(geo.haversine_m(*back, *p) for p in wgs[building])
        assert nearest < 50
        assert min(geo.haversine_m(*raw, *p) for p in wgs[building]) > 200  # the shift is real
        checked += 1
    assert checked >= 20


def test_addresses_name_the_district_street_and_community(demo: Ledger) -> None:
    urban = re.compile(r"^示范区\w+街道\w+社区\w+[路街巷]\d+号\d+幢\d单元\d0\d室$")
    village = re.compile(r"^示范区\w+镇\w+村\d+组\d+号$")
    for e in demo.elders:
        assert urban.match(e["居住地址"]) or village.match(e["居住地址"]), e["居住地址"]


def test_same_seed_and_day_give_the_same_rows(demo: Ledger) -> None:
    assert generate("demo", today=TODAY) == demo


def test_another_seed_gives_another_district(demo: Ledger) -> None:
    other = generate("demo", today=TODAY, random_seed=7)
    assert other.elders != demo.elders
    assert len(other.elders) == len(demo.elders)


def test_write_csv_writes_a_bom_and_the_exact_headers(demo: Ledger, tmp_path: Path) -> None:
    paths = write_csv(demo, tmp_path / "ledger")
    assert {name: p.name for name, p in paths.items()} == {
        "areas": "areas.csv",
        "workers": "workers.csv",
        "elders": "elders.csv",
    }
    expected = {"areas": (AREA_COLUMNS, demo.areas), "workers": (WORKER_COLUMNS, demo.workers),
                "elders": (ELDER_COLUMNS, demo.elders)}  # fmt: skip
    for name, (columns, rows) in expected.items():
        raw = paths[name].read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf")
        assert raw[3:].split(b"\r\n", 1)[0].decode() == ",".join(columns)
        with paths[name].open(encoding="utf-8-sig", newline="") as f:
            assert list(csv.DictReader(f)) == rows


def test_unknown_profile_is_refused() -> None:
    """The rural county is not a profile of this shape: `seed.county.generate` makes it."""
    with pytest.raises(ValueError, match="county"):
        generate("county", today=TODAY)


def test_a_door_is_shared_only_by_a_couple(demo: Ledger) -> None:
    households: dict[str, list[dict[str, str]]] = {}
    for e in demo.elders:
        households.setdefault(e["居住地址"], []).append(e)
    couples = [h for h in households.values() if len(h) > 1]
    assert couples
    for couple in couples:
        assert sorted(e["性别"] for e in couple) == ["女", "男"]
        assert len({(e["经度"], e["纬度"], e["联系电话"]) for e in couple}) == 1
