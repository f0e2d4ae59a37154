"""The rural county's 台账 (`python -m seed --size county`): scattered villages, hamlets a few kilometres out,
workers on foot or e-bike with 2-4 hours a day, many grids their worker cannot cover alone."""

from __future__ import annotations

import hashlib
import json
import re
import statistics
from collections import Counter
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from seed.__main__ import main
from seed.county import COUNTY_CODE, reach
from seed.county import generate as generate_county
from seed.district import AREA_COLUMNS, ELDER_COLUMNS, WORKER_COLUMNS, Ledger, generate
from visitsvc.kernel import geo, idnumber
from visitsvc.model import AbilityLevel, Category, DisabilityGrade, Willingness

TODAY = date(2026, 11, 1)
CODE_LENGTH = {"区县": 6, "街道乡镇": 9, "社区村": 12, "网格": 15}
MOBILE = re.compile(r"^1[3-9]\d{9}$")
LANDLINE = re.compile(r"^0875-8\d{7}$")


@pytest.fixture(scope="module")
def county() -> Ledger:
    return generate_county(today=TODAY)


def _villages(ledger: Ledger) -> dict[str, tuple[float, float]]:
    """Village code -> its committee (村委会), where the village's grid workers start."""
    codes = {a["区划代码"] for a in ledger.areas if a["层级"] == "社区村" and a["名称"].endswith("村")}
    return {
        w["负责网格"][:12]: (float(w["起点经度"]), float(w["起点纬度"]))
        for w in ledger.workers
        if w["负责网格"][:12] in codes
    }


def _ratios(ledger: Ledger) -> dict[str, float]:
    """Grid -> its people over what its worker can reach alone in a month."""
    sizes = Counter(e["所属网格"] for e in ledger.elders)
    return {
        w["负责网格"]: sizes[w["负责网格"]] / reach(round(float(w["每日工时"]) * 60), w["出行方式"])
        for w in ledger.workers
    }


def test_a_county_town_and_six_townships_of_villages_with_a_few_thousand_people(county: Ledger) -> None:
    levels = Counter(a["层级"] for a in county.areas)
    assert levels["区县"] == 1
    assert levels["街道乡镇"] == 7
    assert 25 <= levels["社区村"] <= 45
    assert 35 <= levels["网格"] <= 70
    assert 3_000 <= len(county.elders) <= 5_000
    assert county.areas[0] == {"区划代码": COUNTY_CODE, "名称": "云岭县", "层级": "区县", "上级代码": ""}
    townships = [a["名称"] for a in county.areas if a["层级"] == "街道乡镇"]
    assert townships[0] == "城关镇"
    assert all(t.endswith(("乡", "镇")) for t in townships)


def test_areas_form_a_tree_with_unique_names(county: Ledger) -> None:
    seen: dict[str, str] = {}
    for area in county.areas:
        code, level, parent = area["区划代码"], area["层级"], area["上级代码"]
        assert len(code) == CODE_LENGTH[level]
        if parent:
            assert code[:-3] == parent
            assert CODE_LENGTH[seen[parent]] == CODE_LENGTH[level] - 3
        seen[code] = level
    assert len({a["名称"] for a in county.areas}) == len(county.areas)


def test_a_village_is_one_or_two_grids(county: Ledger) -> None:
    villages = [a["区划代码"] for a in county.areas if a["名称"].endswith("村")]
    grids = Counter(a["上级代码"] for a in county.areas if a["层级"] == "网格")
    assert {grids[v] for v in villages} == {1, 2}


def test_villages_lie_tens_of_kilometres_apart(county: Ledger) -> None:
    committees = list(_villages(county).values())
    nearest = [min(geo.haversine_m(*a, *b) for b in committees if b != a) / 1000 for a in committees]
    apart = [geo.haversine_m(*a, *b) / 1000 for i, a in enumerate(committees) for b in committees[i + 1 :]]
    assert min(nearest) >= 7
    assert statistics.median(nearest) >= 8
    assert 25 <= statistics.median(apart) <= 60
    assert max(apart) >= 70


def test_village_people_live_in_hamlets_a_few_kilometres_from_the_committee(county: Ledger) -> None:
    start = {w["负责网格"]: (float(w["起点经度"]), float(w["起点纬度"])) for w in county.workers}
    distances = []
    for e in county.elders:
        if e["经度"] == "" or "社区" in e["居住地址"]:
            continue
        lon, lat = geo.to_wgs84(float(e["经度"]), float(e["纬度"]), geo.parse_datum(e["坐标系"]))
        distances.append(geo.haversine_m(lon, lat, *start[e["所属网格"]]) / 1000)
    assert min(distances) >= 0.5
    assert max(distances) <= 5.5
    assert 1.5 <= statistics.median(distances) <= 4


def test_addresses_name_the_county_township_village_and_hamlet(county: Ledger) -> None:
    town = re.compile(r"^云岭县城关镇\w+社区\w+[路街]\d+号\d+幢\d单元\d0\d室$")
    village = re.compile(r"^云岭县\w+[乡镇]\w+村\w+\d+号$")
    for e in county.elders:
        assert town.match(e["居住地址"]) or village.match(e["居住地址"]), e["居住地址"]


def test_workers_walk_or_ride_an_ebike_two_to_four_hours_a_day(county: Ledger) -> None:
    modes = Counter(w["出行方式"] for w in county.workers)
    assert set(modes) == {"步行", "电动车"}
    assert modes["步行"] >= 0.2 * len(county.workers)
    hours = {float(w["每日工时"]) for w in county.workers}
    assert min(hours) == 2
    assert max(hours) == 4
    assert len(hours) >= 4


def test_the_county_towns_six_grid_workers_walk(county: Ledger) -> None:
    communities = {a["区划代码"] for a in county.areas if a["名称"].endswith("社区")}
    town = [w for w in county.workers if w["负责网格"][:12] in communities]
    assert len(town) == 6
    assert {w["出行方式"] for w in town} == {"步行"}


def test_many_grids_hold_one_and_a_half_to_three_times_what_their_worker_reaches_and_others_less(
    county: Ledger,
) -> None:
    ratios = list(_ratios(county).values())
    over = [r for r in ratios if r >= 1.5]
    assert len(over) >= 0.25 * len(ratios)
    assert max(ratios) <= 3.05
    assert sum(r < 1 for r in ratios) >= 0.4 * len(ratios), "spare time elsewhere in the county"


def test_each_worker_has_one_grid_and_each_township_a_supervisor(county: Ledger) -> None:
    grids = sorted(a["区划代码"] for a in county.areas if a["层级"] == "网格")
    assert sorted(w["负责网格"] for w in county.workers) == grids
    townships = [a["区划代码"] for a in county.areas if a["层级"] == "街道乡镇"]
    assert [s.area_code for s in county.staff if s.role == "supervisor"] == townships
    assert [s.area_code for s in county.staff if s.role == "admin"] == [COUNTY_CODE]
    phones = [w["手机号"] for w in county.workers] + [s.phone for s in county.staff]
    assert len(set(phones)) == len(phones)


def test_rows_are_what_the_import_reads(county: Ledger) -> None:
    for rows, columns in (
        (county.areas, AREA_COLUMNS),
        (county.workers, WORKER_COLUMNS),
        (county.elders, ELDER_COLUMNS),
    ):
        assert all(tuple(r) == columns for r in rows)
    categories = set(Category.labels()) - {"高龄"}
    for e in county.elders:
        assert set(e["类别"].split("、")) <= categories
        assert e["能力等级"] in {"", *AbilityLevel.labels()}
        assert e["残疾等级"] in {"", *DisabilityGrade.labels()}
        assert e["探访意愿"] in Willingness.labels()


def test_id_numbers_are_the_countys_valid_and_unique(county: Ledger) -> None:
    numbers = [e["身份证号"] for e in county.elders]
    assert len(set(numbers)) == len(numbers)
    for e in county.elders:
        parsed = idnumber.parse(e["身份证号"])
        assert e["身份证号"].startswith(COUNTY_CODE)
        assert parsed.birth_date.isoformat() == e["出生日期"]
        assert idnumber.age_on(parsed.birth_date, TODAY) >= 60


def test_more_left_behind_living_alone_and_destitute_than_the_demo_district(county: Ledger) -> None:
    def shares(ledger: Ledger) -> dict[str, float]:
        counts = Counter(c for e in ledger.elders for c in e["类别"].split("、"))
        return {c: n / len(ledger.elders) for c, n in counts.items()}

    rural, demo = shares(county), shares(generate("demo", today=TODAY))
    assert rural["留守"] >= 0.35 > demo["留守"] * 2
    assert rural["分散供养特困"] >= 2 * demo["分散供养特困"]
    assert rural["独居"] > demo["独居"]
    assert 0.10 <= rural["失能"] <= 0.20


def test_phones_more_often_missing_and_landlines_are_the_countys(county: Ledger) -> None:
    phones = [e["联系电话"] for e in county.elders]
    assert all(p == "" or MOBILE.match(p) or LANDLINE.match(p) for p in phones)
    assert 0.10 <= phones.count("") / len(phones) <= 0.18
    assert any(LANDLINE.match(p) for p in phones)


def _digest(ledger: Ledger) -> str:
    rows = [ledger.areas, ledger.workers, ledger.elders, [repr(s) for s in ledger.staff]]
    return hashlib.sha256(json.dumps(rows, ensure_ascii=False).encode()).hexdigest()


def test_same_seed_same_county_another_seed_another(county: Ledger) -> None:
    assert _digest(generate_county(today=TODAY)) == _digest(county)
    other = generate_county(today=TODAY, random_seed=7)
    assert other.elders != county.elders
    assert 3_000 <= len(other.elders) <= 5_000


def test_the_county_leaves_the_demo_district_as_it_was() -> None:
    """The county draws from streams of its own; the demo's rows are the ones committed before it existed."""
    generate_county(today=TODAY)
    assert _digest(generate("demo", today=TODAY)) == (
        "9a802acb23e2ff117c130e88ea9bf13942fe4edc5ef0df9f747844fa9669b927"
    )


def test_python_m_seed_size_county_loads_the_county(tmp_path: Path) -> None:
    env = {
        "VISITSVC_ENV": "test",
        "VISITSVC_SECRET_KEY": "s" * 48,
        "VISITSVC_DATABASE_URL": f"sqlite:///{tmp_path / 'county.db'}",
    }
    result = CliRunner().invoke(main, ["--size", "county", "--json", "--today", "2026-11-01"], env=env)
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    expected = generate_county(today=TODAY)
    assert summary["size"] == "county"
    assert summary["areas"] == len(expected.areas)
    assert summary["workers"] == len(expected.workers)
    assert summary["elders"] == len(expected.elders)
    assert summary["staff"] == len(expected.staff) == 8
