"""The demo's social-work station (issue 19): a coordinator, 3 social workers and 5 volunteers paired with
about 150 people of one street, and a contract, drawn from a stream of its own."""

from __future__ import annotations

import copy
from collections import Counter
from datetime import date

import pytest

from seed import partners
from seed.district import Ledger, generate
from visitsvc.kernel import credit_code, geo

TODAY = date(2026, 12, 6)


@pytest.fixture(scope="module")
def demo() -> Ledger:
    return generate("demo", today=TODAY)


@pytest.fixture(scope="module")
def station(demo: Ledger) -> partners.Station:
    return partners.generate(demo, today=TODAY)


def test_the_station_changes_nothing_seeded_before_it(demo: Ledger) -> None:
    before = copy.deepcopy(demo)
    partners.generate(demo, today=TODAY)
    assert demo == before
    assert generate("demo", today=TODAY) == before  # and the register is drawn as it always was


def test_the_same_seed_gives_the_same_station(demo: Ledger, station: partners.Station) -> None:
    assert partners.generate(demo, today=TODAY) == station
    assert partners.generate(demo, today=TODAY, random_seed=7) != station


def test_three_social_workers_five_volunteers_and_about_150_people(station: partners.Station) -> None:
    kinds = Counter(v.kind for v in station.visitors)
    assert kinds == {"social_worker": 3, "volunteer": 5}
    assert station.coordinator.kind is None
    assert 140 <= station.paired <= 160


def test_nobody_is_paired_twice_and_everyone_paired_is_of_the_stations_street(
    demo: Ledger, station: partners.Station
) -> None:
    paired = [n for p in station.pairs for n in p.id_numbers]
    assert len(paired) == len(set(paired))
    grid_of = {r["身份证号"]: r["所属网格"] for r in demo.elders}
    assert all(grid_of[n].startswith(station.street_code) for n in paired)


def test_social_workers_visit_under_the_contract_volunteers_without_it(station: partners.Station) -> None:
    kind = {v.account: v.kind for v in station.visitors}
    for pairs in station.pairs:
        expected = pairs.account is None or kind[pairs.account] == "social_worker"
        assert pairs.under_contract is expected
    assert any(p.account is None and p.id_numbers for p in station.pairs)  # the planner picks for these


def test_volunteers_give_some_days_and_one_of_them_the_weekend(station: partners.Station) -> None:
    days = [v.weekdays for v in station.visitors if v.kind == "volunteer"]
    assert all(d and set(d) <= set("1234567") for d in days)
    assert any("6" in d or "7" in d for d in days if d)


def test_a_volunteers_people_live_near_them(demo: Ledger, station: partners.Station) -> None:
    home = {r["身份证号"]: (float(r["经度"]), float(r["纬度"])) for r in demo.elders if r["经度"]}
    start = {v.account: v.start for v in station.visitors}
    for pairs in station.pairs:
        if pairs.account and pairs.account.startswith("vol"):
            far = max(geo.haversine_m(*start[pairs.account], *home[n]) for n in pairs.id_numbers)
            assert far < 1_500


def test_the_station_has_a_valid_credit_code_and_a_year_long_contract(station: partners.Station) -> None:
    assert credit_code.is_valid(station.credit_code)
    assert station.contract_first == date(2026, 12, 1)
    assert station.contract_last == date(2027, 11, 30)
