"""Masked means masked everywhere: a masked ID number hides exactly its eight birth-date digits, so nothing
shown beside it (API, route, console, export, audit log) may give the birth date back. At most the birth year
and the age; the full date only on the audited unmask path.

The attacker below is the grid worker of the finding: from one response they list every valid ID number that
fits the masked one and what else the response says about the birth date. Masking holds when the real number
is one of many candidates, never the only one.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterator, Mapping
from datetime import date, datetime, time, timedelta
from typing import Any

import pytest
from flask.testing import FlaskClient
from openpyxl import load_workbook

from tests.api.conftest import Headers
from tests.api.console import Console
from tests.api.test_elders import elder_body
from tests.factories import PASSWORD, SYSTEM, District, elder_data, id_number
from tests.fieldwork import plan_day
from visitsvc.infrastructure.uow import UnitOfWork
from visitsvc.kernel import idnumber
from visitsvc.kernel.clock import SHANGHAI, FixedClock
from visitsvc.model import AuditEntry
from visitsvc.register import elders
from visitsvc.register.ledger_format import BIRTH_YEAR_COLUMN, EXPORT_COLUMNS, MASKED_EXPORT_COLUMNS

Login = Callable[[str], Headers]
BIRTH = date(1940, 5, 17)  # the factory's people


@pytest.fixture
def console(client: FlaskClient) -> Console:
    return Console(client)


def strings(value: object) -> Iterator[str]:
    """Every key and value of a JSON document, as text."""
    if isinstance(value, Mapping):
        for key, item in value.items():
            yield str(key)
            yield from strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from strings(item)
    elif value is not None:
        yield str(value)


def assert_no_birth_date(document: object, birth: date = BIRTH) -> None:
    forms = (birth.isoformat(), f"{birth:%Y%m%d}", f"{birth:%Y/%m/%d}", f"{birth:%Y年%m月%d日}")
    leaks = [(s, f) for s in strings(document) for f in forms if f in s]
    assert not leaks, f"the birth date is shown beside the masked number: {leaks}"


def every_day(year: int) -> Iterator[date]:
    day = date(year, 1, 1)
    while day.year == year:
        yield day
        day += timedelta(days=1)


def rebuild(masked: str, shown: Mapping[str, Any], today: date) -> set[str]:
    """The attacker: every valid ID number with the masked one's region and last four characters whose birth
    date fits what is shown (a full date, or the years a birth year and an age allow)."""
    assert "*" in masked
    assert len(masked) == 18
    region, tail = masked[:6], masked[-4:]
    if shown.get("birth_date"):
        days = [date.fromisoformat(str(shown["birth_date"]))]
    else:
        years = set(range(1890, today.year + 1))
        if shown.get("birth_year"):
            years &= {int(shown["birth_year"])}
        if shown.get("age") is not None:  # completed years or this year's age: either way one of two years
            years &= {today.year - int(shown["age"]), today.year - int(shown["age"]) - 1}
        days = [d for y in sorted(years) for d in every_day(y)]
    return {n for d in days if idnumber.is_valid(n := f"{region}{d:%Y%m%d}{tail}")}


def assert_not_rebuilt(masked: str, shown: Mapping[str, Any], today: date, real: str) -> None:
    found = rebuild(masked, shown, today)
    assert real in found, "the attacker's model fits what is shown"
    assert len(found) > 1, f"{real} rebuilt from the masked number and what is shown beside it"


def real_number(client: FlaskClient, login: Login, elder_id: int) -> str:
    response = client.get(
        f"/api/v1/elders/{elder_id}", query_string={"unmask": "true"}, headers=login("admin")
    )
    return str(response.json["id_number"])


def test_a_grid_worker_cannot_rebuild_an_id_number_from_an_elder(
    client: FlaskClient, district: District, login: Login, clock: FixedClock
) -> None:
    elder_id = district.elders["elder_a1"]
    elder = client.get(f"/api/v1/elders/{elder_id}", headers=login("w_a1")).json
    assert elder["masked"] is True
    assert elder["birth_date"] is None
    assert (elder["birth_year"], elder["age"]) == (1940, 86)
    assert_no_birth_date(elder)
    assert_not_rebuilt(elder["id_number"], elder, clock.today(), real_number(client, login, elder_id))


def test_a_grid_worker_cannot_rebuild_an_id_number_from_the_list(
    client: FlaskClient, district: District, login: Login, clock: FixedClock
) -> None:
    page = client.get("/api/v1/elders", headers=login("w_a1")).json
    assert page["items"], "the worker's grid has people"
    assert_no_birth_date(page)
    for elder in page["items"]:
        assert elder["birth_date"] is None
        assert_not_rebuilt(elder["id_number"], elder, clock.today(), real_number(client, login, elder["id"]))


def logged_in(client: FlaskClient, account: str) -> Headers:
    """A token of the clock's day (the `login` fixture keeps its first, which runs out as the clock moves)."""
    response = client.post("/api/v1/auth/token", json={"username": account, "password": PASSWORD})
    assert response.status_code == 200, response.json
    return {"Authorization": f"Bearer {response.json['access_token']}"}


def test_the_masked_age_neither_narrows_the_date_nor_changes_on_the_birthday(
    client: FlaskClient, district: District, uow: UnitOfWork, clock: FixedClock
) -> None:
    """Born 20 December: in completed years the age beside the year would say "not before 25 November" (as few
    as two valid numbers left), and watched day by day it would change on the birthday itself."""
    birth = date(1940, 12, 20)
    grid = district.codes["grid_a1"]
    elder_id = elders.create_elder(uow, caller=SYSTEM, data=elder_data(grid, birth_date=birth)).id
    url = f"/api/v1/elders/{elder_id}"
    seen: dict[date, tuple[int, int]] = {}
    for day in (date(2026, 11, 25), date(2026, 12, 19), date(2026, 12, 20), date(2027, 1, 1)):
        clock.set(datetime.combine(day, time(10), SHANGHAI))
        masked = client.get(url, headers=logged_in(client, "w_a1")).json
        full = client.get(url, query_string={"unmask": "true"}, headers=logged_in(client, "sup_a")).json
        seen[day] = (masked["age"], full["age"])
        assert masked["age"] == day.year - masked["birth_year"]
        assert_no_birth_date(masked, birth)
    assert seen == {
        date(2026, 11, 25): (86, 85),
        date(2026, 12, 19): (86, 85),
        date(2026, 12, 20): (86, 86),
        date(2027, 1, 1): (87, 86),
    }, "masked, the age changes on 1 January; unmasked (audited) it is in completed years"


def test_a_registration_and_a_correction_answer_masked(
    client: FlaskClient, district: District, login: Login
) -> None:
    body = elder_body(district.codes["grid_a1"])
    created = client.post("/api/v1/elders", json=body, headers=login("sup_a"))
    assert created.status_code == 201, created.json
    assert created.json["birth_date"] is None
    corrected = client.patch(
        f"/api/v1/elders/{created.json['id']}", json={"notes": "独居"}, headers=login("sup_a")
    )
    assert corrected.status_code == 200, corrected.json
    assert corrected.json["birth_date"] is None
    assert_no_birth_date([created.json, corrected.json])


def test_the_route_shows_age_only(
    client: FlaskClient, district: District, login: Login, uow: UnitOfWork, clock: FixedClock
) -> None:
    elder_id = district.elders["elder_a1"]
    plan_day(uow, worker_id=district.accounts["w_a1"], day=clock.today(), elder_ids=[elder_id])
    route = client.get("/api/v1/me/route", headers=login("w_a1")).json
    assert_no_birth_date(route)
    person = route["stops"][0]["elder"]
    assert_not_rebuilt(person["id_number"], person, clock.today(), real_number(client, login, elder_id))


def test_a_supervisor_who_unmasks_gets_the_full_date_and_it_is_audited(
    client: FlaskClient, district: District, login: Login
) -> None:
    elder_id = district.elders["elder_a1"]
    url = f"/api/v1/elders/{elder_id}"
    assert client.get(url, query_string={"unmask": "true"}, headers=login("w_a1")).status_code == 403
    full = client.get(url, query_string={"unmask": "true"}, headers=login("sup_a")).json
    assert (full["masked"], full["birth_date"], full["birth_year"]) == (False, "1940-05-17", 1940)
    listed = client.get("/api/v1/elders", query_string={"unmask": "true"}, headers=login("sup_a")).json
    assert {e["birth_date"] for e in listed["items"]} == {"1940-05-17"}
    audit = client.get("/api/v1/audit", query_string={"action": "elder.unmask"}, headers=login("admin")).json
    assert (district.accounts["sup_a"], str(elder_id)) in {
        (e["actor_id"], e["record_id"]) for e in audit["items"]
    }


def test_the_openapi_document_says_when_the_birth_date_is_given(client: FlaskClient) -> None:
    elder = client.get("/openapi.json").json["components"]["schemas"]["Elder"]["properties"]
    assert "unmask=true" in elder["birth_date"]["description"]
    assert "birth_year" in elder


# -- the masked 台账 export -------------------------------------------------------------------------------


def exported(client: FlaskClient, headers: Headers, fmt: str, **query: str) -> list[dict[str, str]]:
    response = client.get("/api/v1/elders/export", query_string={"format": fmt, **query}, headers=headers)
    assert response.status_code == 200, response.json
    if fmt == "csv":
        return list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig"))))
    lines = list(load_workbook(io.BytesIO(response.data)).worksheets[0].iter_rows(values_only=True))
    return [
        {str(h): "" if v is None else str(v) for h, v in zip(lines[0], line, strict=True)}
        for line in lines[1:]
    ]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_masked_export_holds_the_birth_year_only(
    client: FlaskClient, district: District, login: Login, clock: FixedClock, fmt: str
) -> None:
    rows = exported(client, login("sup_a"), fmt)
    assert rows
    assert list(rows[0]) == list(MASKED_EXPORT_COLUMNS)
    assert "出生日期" not in rows[0], "the header says what the column holds"
    assert_no_birth_date(rows)
    numbers = {real_number(client, login, i) for i in district.elders.values()}
    for row in rows:
        assert row[BIRTH_YEAR_COLUMN] == "1940"
        real = next(n for n in numbers if idnumber.mask(n) == row["身份证号"])
        assert_not_rebuilt(row["身份证号"], {"birth_year": row[BIRTH_YEAR_COLUMN]}, clock.today(), real)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_an_admins_unmasked_export_keeps_the_full_date(
    client: FlaskClient, district: District, login: Login, fmt: str
) -> None:
    rows = exported(client, login("admin"), fmt, unmask="true")
    assert list(rows[0]) == list(EXPORT_COLUMNS)
    assert {row["出生日期"] for row in rows} == {"1940-05-17"}


# -- the audit log ---------------------------------------------------------------------------------------


def test_the_audit_log_holds_no_birth_date_id_number_or_phone(
    client: FlaskClient, district: District, login: Login
) -> None:
    body = elder_body(district.codes["grid_a1"], emergency_phone="0571-87654321")
    created = client.post("/api/v1/elders", json=body, headers=login("sup_a")).json
    new_birth = date(1941, 6, 2)
    new_number = id_number(new_birth, male=False)
    changed = client.patch(
        f"/api/v1/elders/{created['id']}",
        json={"birth_date": new_birth.isoformat(), "id_number": new_number, "phone": "13700001111"},
        headers=login("sup_a"),
    )
    assert changed.status_code == 200, changed.json
    log = client.get("/api/v1/audit", query_string={"record_type": "elder"}, headers=login("admin")).json
    text = json.dumps(log, ensure_ascii=False)
    for secret in (body["id_number"], new_number, "13912345678", "13700001111", "87654321"):
        assert secret not in text
    assert_no_birth_date(log, date(1940, 5, 17))
    assert_no_birth_date(log, new_birth)
    update = next(
        e for e in log["items"] if e["action"] == "elder.update" and e["record_id"] == str(created["id"])
    )
    assert update["details"]["changes"]["birth_date"] == ["1940-**-**", "1941-**-**"]
    assert update["details"]["changes"]["id_number"] == [
        idnumber.mask(body["id_number"]),
        idnumber.mask(new_number),
    ]
    assert update["details"]["changes"]["phone"] == ["139****5678", "137****1111"]


def test_entries_written_before_masking_are_masked_when_read(
    client: FlaskClient, district: District, login: Login, uow: UnitOfWork, console: Console
) -> None:
    number = real_number(client, login, district.elders["elder_a1"])
    with uow:
        path = uow.elders.get(SYSTEM.scope, district.elders["elder_a1"]).grid.path
        uow.audit.add(
            AuditEntry(
                at=datetime(2026, 11, 1, 9, 0, tzinfo=SHANGHAI),
                actor_id=None,
                action="elder.create",
                record_type="elder",
                record_id=str(district.elders["elder_a1"]),
                area_path=path,
                details={"changes": {"id_number": [None, number], "birth_date": [None, "1940-05-17"]}},
            )
        )
        uow.commit()
    log = client.get("/api/v1/audit", query_string={"action": "elder.create"}, headers=login("admin")).json
    assert number not in json.dumps(log)
    assert_no_birth_date(log)
    console.login("admin")
    page = console.get("/console/audit", action="elder.create")
    assert page.status_code == 200
    assert number not in page.text
    assert "1940-05-17" not in page.text
    assert "1940-**-**" in page.text


def test_a_phone_number_is_no_account_name(client: FlaskClient, district: District, login: Login) -> None:
    """Account names are stored in clear (logins as typed, audit entries): a phone there would be a phone
    in clear."""
    body = {"account": "13812345678", "name": "新网格员", "role": "grid_worker"}
    response = client.post(
        "/api/v1/workers", json={**body, "grid_codes": [district.codes["grid_a1"]]}, headers=login("admin")
    )
    assert response.status_code == 422, response.json
    assert response.json["errors"] == {"account": ["账号不能用手机号、电话号码或身份证号"]}


# -- the console profile ---------------------------------------------------------------------------------


def test_the_console_profile_shows_the_year_until_unmasked(
    client: FlaskClient, district: District, login: Login, console: Console
) -> None:
    elder_id = district.elders["elder_a1"]
    console.login("sup_a")
    masked = console.get(f"/console/elders/{elder_id}")
    assert masked.status_code == 200
    assert "1940 年" in masked.text
    assert "1940-05-17" not in masked.text
    assert "19400517" not in masked.text
    shown = console.post(f"/console/elders/{elder_id}/unmask")
    assert shown.status_code == 200
    assert "1940-05-17" in shown.text
