"""GET /me/route: the day's stops as a phone on a weak signal needs them."""

from __future__ import annotations

import gzip
import json
from collections.abc import Callable
from datetime import date, timedelta

from flask.testing import FlaskClient
from sqlalchemy import func, select

from tests.api.conftest import Headers
from tests.factories import SYSTEM, District, elder_data
from tests.fieldwork import at, plan_day, set_elder, visit_body
from visitsvc.accounts import auth
from visitsvc.field import todays_route
from visitsvc.field.todays_route import EMERGENCY_PHONE_SHOWN, PHONE_SHOWN
from visitsvc.infrastructure.uow import UnitOfWork
from visitsvc.kernel.clock import FixedClock
from visitsvc.model import AbilityLevel, AuditEntry, Category, VisitKind
from visitsvc.register import elders

Login = Callable[[str], Headers]
TODAY = date(2026, 11, 25)
URL = "/api/v1/me/route"


def phone_audits(uow: UnitOfWork, action: str = PHONE_SHOWN) -> int:
    with uow:
        query = select(func.count()).select_from(AuditEntry).where(AuditEntry.action == action)
        return int(uow.session.scalar(query) or 0)


def more_elders(uow: UnitOfWork, district: District, n: int, **overrides: object) -> list[int]:
    grid = district.codes["grid_a1"]
    return [
        elders.create_elder(uow, caller=SYSTEM, data=elder_data(grid, lon=120.12 + i / 1000, **overrides)).id
        for i in range(n)
    ]


def test_the_stops_come_in_route_order_with_phone_calls_last(
    client: FlaskClient, district: District, login: Login, uow: UnitOfWork
) -> None:
    first, second = more_elders(uow, district, 2)
    phone, home1, home2 = plan_day(
        uow,
        worker_id=district.accounts["w_a1"],
        day=TODAY,
        elder_ids=[district.elders["elder_a1"], first, second],
        kinds=[VisitKind.PHONE, VisitKind.HOME, VisitKind.HOME],
    )
    route = client.get(URL, headers=login("w_a1")).json
    assert (route["date"], route["plan_version"]) == ("2026-11-25", 1)
    assert [(s["visit_id"], s["order"], s["kind"]) for s in route["stops"]] == [
        (home1, 1, "home"),
        (home2, 2, "home"),
        (phone, 3, "phone"),
    ]
    assert route["stops"][0]["planned_arrival"] == "09:00"
    assert route["stops"][0]["service_minutes"] == 30
    assert route["totals"]["stops"] == 3
    assert route["totals"]["distance_km"] > 0
    other_day = client.get(URL, query_string={"date": "2026-11-26"}, headers=login("w_a1")).json
    assert (other_day["stops"], other_day["totals"]["stops"]) == ([], 0)


def test_what_the_worker_sees_of_a_person(
    client: FlaskClient, district: District, login: Login, uow: UnitOfWork
) -> None:
    elder = district.elders["elder_a1"]
    set_elder(uow, elder, ability_level=AbilityLevel.MODERATE, notes="耳背，敲门要用力")
    plan_day(uow, worker_id=district.accounts["w_a1"], day=TODAY, elder_ids=[elder])
    (stop,) = client.get(URL, headers=login("w_a1")).json["stops"]
    person = stop["elder"]
    assert person["id_number"][6:14] == "********", "the ID number is always masked"
    assert person["phone"] == "13812345678", "the assigned worker may call"
    assert (person["age"], person["sex"], person["notes"]) == (86, "male", "耳背，敲门要用力")
    assert set(person["categories"]) == {Category.LIVING_ALONE.value, Category.VERY_OLD.value}
    assert person["risk_notes"] == ["独居", "中度失能", "80岁以上"]
    location = stop["location"]
    assert (location["lon"], location["lat"], location["verified"]) == (120.1201, 30.2801, True)
    assert location["gcj02"]["lon"] != location["lon"], "高德 needs GCJ-02"
    assert stop["nav"]["amap"].startswith("https://uri.amap.com/marker?")
    assert "coord_type=bd09ll" in stop["nav"]["baidu"]


def test_a_person_without_coordinates_has_no_location_or_links(
    client: FlaskClient, district: District, login: Login, uow: UnitOfWork
) -> None:
    set_elder(uow, district.elders["elder_a1"], lon=None, lat=None, location_verified=False)
    plan_day(uow, worker_id=district.accounts["w_a1"], day=TODAY, elder_ids=[district.elders["elder_a1"]])
    (stop,) = client.get(URL, headers=login("w_a1")).json["stops"]
    assert (stop["location"], stop["nav"]) == (None, None)


def test_showing_phones_is_audited_once_per_worker_person_and_day(
    client: FlaskClient, district: District, login: Login, uow: UnitOfWork, clock: FixedClock
) -> None:
    elder, worker = district.elders["elder_a1"], district.accounts["w_a1"]
    clock.set(at(TODAY, 20))
    plan_day(uow, worker_id=worker, day=TODAY, elder_ids=[elder])
    for _ in range(3):
        client.get(URL, headers=login("w_a1"))
    assert phone_audits(uow) == 1
    clock.advance(timedelta(hours=5))  # past midnight in Shanghai, within the token's life
    plan_day(uow, worker_id=worker, day=TODAY + timedelta(days=1), elder_ids=[elder])
    client.get(URL, headers=login("w_a1"))
    assert phone_audits(uow) == 2


def test_the_emergency_contact_of_ones_own_stops_is_shown_and_audited_once_per_person_and_day(
    client: FlaskClient, district: District, login: Login, uow: UnitOfWork, clock: FixedClock
) -> None:
    elder, worker = district.elders["elder_a1"], district.accounts["w_a1"]
    no_contact = more_elders(uow, district, 1)[0]
    set_elder(uow, elder, emergency_contact="王明（儿子）", emergency_phone="13900002222")
    clock.set(at(TODAY, 20))
    plan_day(uow, worker_id=worker, day=TODAY, elder_ids=[elder, no_contact])
    for _ in range(3):
        stops = client.get(URL, headers=login("w_a1")).json["stops"]
    shown = {s["elder"]["id"]: s["elder"]["emergency_contact"] for s in stops}
    assert shown == {elder: {"name": "王明（儿子）", "phone": "13900002222"}, no_contact: None}
    assert phone_audits(uow, EMERGENCY_PHONE_SHOWN) == 1, "one person with an emergency phone, one day"
    assert phone_audits(uow) == 2, "the people's own phones are audited as before"
    clock.advance(timedelta(hours=5))  # past midnight in Shanghai
    plan_day(uow, worker_id=worker, day=TODAY + timedelta(days=1), elder_ids=[elder])
    client.get(URL, headers=login("w_a1"))
    assert phone_audits(uow, EMERGENCY_PHONE_SHOWN) == 2


def test_a_supervisor_looking_at_a_workers_day_sees_the_emergency_phone_masked(
    district: District, uow: UnitOfWork
) -> None:
    elder = district.elders["elder_a1"]
    set_elder(uow, elder, emergency_contact="王明（儿子）", emergency_phone="13900002222")
    plan_day(uow, worker_id=district.accounts["w_a1"], day=TODAY, elder_ids=[elder])
    supervisor = auth.act_as(uow, caller=SYSTEM, worker_id=district.accounts["sup_a"])
    seen = todays_route.worker_day_route(
        uow, caller=supervisor, worker_id=district.accounts["w_a1"], day=TODAY
    )
    (stop,) = seen.route.stops
    assert stop.elder.emergency_contact == todays_route.EmergencyContact("王明（儿子）", "139****2222")
    assert phone_audits(uow, EMERGENCY_PHONE_SHOWN) == 0


def test_an_unchanged_route_answers_304_and_a_recorded_visit_changes_it(
    client: FlaskClient, district: District, login: Login, uow: UnitOfWork
) -> None:
    (planned,) = plan_day(
        uow, worker_id=district.accounts["w_a1"], day=TODAY, elder_ids=[district.elders["elder_a1"]]
    )
    first = client.get(URL, headers=login("w_a1"))
    etag = first.headers["ETag"]
    unchanged = client.get(URL, headers={**login("w_a1"), "If-None-Match": etag})
    assert (unchanged.status_code, unchanged.data) == (304, b"")
    body = visit_body(planned_visit_id=planned, start=at(TODAY, 9), outcome="not_home", minutes=2)
    assert client.post("/api/v1/visits", json=body, headers=login("w_a1")).status_code == 201
    changed = client.get(URL, headers={**login("w_a1"), "If-None-Match": etag})
    assert changed.status_code == 200
    (stop,) = changed.json["stops"]
    assert stop["status"] == "not_home"
    assert [f["kind"] for f in stop["elder"]["open_follow_ups"]] == ["not_home_high_risk"]


def test_the_last_visit_before_the_day_is_summarised(
    client: FlaskClient, district: District, login: Login, uow: UnitOfWork
) -> None:
    elder = district.elders["elder_a1"]
    findings = {"safety": {"status": "concern", "note": "电线老化"}, "emotional": {"status": "ok"}}
    earlier = visit_body(elder_id=elder, start=at(TODAY - timedelta(days=7), 10), findings=findings)
    assert client.post("/api/v1/visits", json=earlier, headers=login("w_a1")).status_code == 201
    plan_day(uow, worker_id=district.accounts["w_a1"], day=TODAY, elder_ids=[elder])
    (stop,) = client.get(URL, headers=login("w_a1")).json["stops"]
    assert stop["last_visit"] == {
        "date": "2026-11-18",
        "kind": "home",
        "outcome": "visited",
        "concerns": ["safety"],
    }
    assert stop["status"] == "pending"


def test_a_25_stop_day_is_under_30_kb_and_gzipped_on_request(
    client: FlaskClient, district: District, login: Login, uow: UnitOfWork
) -> None:
    # A heavy day: long addresses and notes, high-risk people, two open concerns each from the last visit.
    people = more_elders(
        uow, district, 25, name="欧阳秀英", notes="独自居住，子女在外地务工，每周三社区送餐。" * 10,
        address="浙江省杭州市西湖区北山街道保俶社区宝石山下一弄十二号三单元五零二室",
        categories=frozenset({Category.LIVING_ALONE, Category.DISABLED, Category.CHILDLESS}),
        ability_level=AbilityLevel.SEVERE,
    )  # fmt: skip
    concerns = {
        "daily_care": {"status": "concern", "note": "冰箱空了"},
        "safety": {"status": "concern", "urgent": True},
    }
    for elder in people:
        earlier = visit_body(elder_id=elder, start=at(TODAY - timedelta(days=3), 9), findings=concerns)
        assert client.post("/api/v1/visits", json=earlier, headers=login("w_a1")).status_code == 201
    plan_day(uow, worker_id=district.accounts["w_a1"], day=TODAY, elder_ids=people)
    plain = client.get(URL, headers=login("w_a1"))
    assert len(plain.json["stops"]) == 25
    assert all(len(s["elder"]["open_follow_ups"]) == 2 for s in plain.json["stops"])
    assert len(plain.data) < 30 * 1024, f"{len(plain.data)} bytes"
    zipped = client.get(URL, headers={**login("w_a1"), "Accept-Encoding": "gzip"})
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in zipped.headers["Vary"]
    assert len(zipped.data) < len(plain.data) / 3
    assert json.loads(gzip.decompress(zipped.data)) == plain.json
    assert zipped.headers["ETag"] == plain.headers["ETag"]


def test_a_day_without_a_plan_is_an_empty_route(
    client: FlaskClient, district: District, login: Login
) -> None:
    route = client.get(URL, headers=login("w_a1")).json
    assert route == {
        "date": "2026-11-25",
        "plan_version": None,
        "stops": [],
        "totals": {"stops": 0, "travel_minutes": 0, "distance_km": 0.0},
        "next_day": None,
        "changes": None,
    }
    assert client.get(URL, query_string={"date": "tomorrow"}, headers=login("w_a1")).status_code == 422
    assert client.get(URL).status_code == 401
