"""`Registered elsewhere` is an answer about another area's register: each one audited, at most 20 an hour."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from flask.testing import FlaskClient

from tests.api.conftest import Headers
from tests.api.test_elders import elder_body
from tests.api.test_ledger import csv_of, row
from tests.factories import SYSTEM, District, elder_data
from visitsvc.infrastructure.uow import UnitOfWork
from visitsvc.kernel import idnumber
from visitsvc.kernel.clock import FixedClock
from visitsvc.register import elders
from visitsvc.register.id_lookups import ACTION, LOOKUPS_PER_HOUR

Login = Callable[[str], Headers]


@pytest.fixture
def street_b_numbers(district: District, uow: UnitOfWork) -> list[str]:
    """ID numbers of 25 people registered in street B (none of them street A's to see)."""
    numbers = []
    for _ in range(25):
        data = elder_data(district.codes["grid_b1"])
        elders.create_elder(uow, caller=SYSTEM, data=data)
        numbers.append(data.id_number)
    return numbers


def create(client: FlaskClient, district: District, login: Login, number: str, account: str = "sup_a") -> Any:
    grid = district.codes["grid_a1" if account == "sup_a" else "grid_b1"]
    body = elder_body(grid, id_number=number, sex="male")
    return client.post("/api/v1/elders", json=body, headers=login(account))


def upload(client: FlaskClient, login: Login, numbers: list[str], grid: str, *, dry_run: bool = False) -> Any:
    content = csv_of([row(grid, 身份证号=n, 出生日期="1940-05-17", 性别="男") for n in numbers])
    return client.post(
        "/api/v1/elders/import",
        query_string={"dry_run": str(dry_run).lower()},
        data={"file": (io.BytesIO(content), "台账.csv")},
        headers=login("sup_a"),
        content_type="multipart/form-data",
    )


def lookups_audited(client: FlaskClient, login: Login) -> list[dict[str, Any]]:
    response = client.get(
        "/api/v1/audit", query_string={"action": ACTION, "limit": 200}, headers=login("admin")
    )
    assert response.status_code == 200, response.json
    return list(reversed(response.json["items"]))


def test_registering_someone_of_another_street_is_audited_with_the_number_masked(
    client: FlaskClient, district: District, login: Login, street_b_numbers: list[str]
) -> None:
    number = street_b_numbers[0]
    response = create(client, district, login, number)
    assert response.status_code == 409
    assert (response.json["code"], response.json["errors"]) == ("registered_elsewhere", {})
    [entry] = lookups_audited(client, login)
    assert entry["actor_id"] == district.accounts["sup_a"]
    assert entry["details"] == {"id_number": idnumber.mask(number), "route": "elders.create"}
    assert number not in str(entry)


def test_another_street_learns_no_more_than_registered_elsewhere(
    client: FlaskClient, district: District, login: Login, uow: UnitOfWork
) -> None:
    """Not who, not where, not the record's id: the same answer whatever the other record holds."""
    data = elder_data(district.codes["grid_b1"], name="西溪的人")
    theirs = elders.create_elder(uow, caller=SYSTEM, data=data)
    response = create(client, district, login, data.id_number)
    assert response.json == {
        "code": "registered_elsewhere",
        "message": "该身份证号已在其他地区登记",
        "errors": {},
    }
    for secret in (data.name, district.codes["grid_b1"], district.codes["street_b"], str(theirs.id)):
        assert secret not in response.get_data(as_text=True)


def test_correcting_a_number_to_another_streets_is_audited(
    client: FlaskClient, district: District, login: Login, street_b_numbers: list[str]
) -> None:
    url = f"/api/v1/elders/{district.elders['elder_a1']}"
    response = client.patch(url, json={"id_number": street_b_numbers[0]}, headers=login("sup_a"))
    assert (response.status_code, response.json["code"]) == (409, "registered_elsewhere")
    [entry] = lookups_audited(client, login)
    assert entry["details"] == {"id_number": idnumber.mask(street_b_numbers[0]), "route": "elders.update"}


@pytest.mark.parametrize(("dry_run", "route"), [(True, "elders.import.dry_run"), (False, "elders.import")])
def test_each_registered_elsewhere_row_of_an_import_is_audited_even_though_nothing_is_written(
    client: FlaskClient,
    district: District,
    login: Login,
    street_b_numbers: list[str],
    dry_run: bool,
    route: str,
) -> None:
    response = upload(client, login, street_b_numbers[:2], district.codes["grid_a1"], dry_run=dry_run)
    assert response.status_code == 422
    assert [(r["row"], r["message"]) for r in response.json["rows"]] == [
        (2, "该身份证号已在其他地区登记"),
        (3, "该身份证号已在其他地区登记"),
    ]
    entries = lookups_audited(client, login)
    assert [e["details"] for e in entries] == [
        {"id_number": idnumber.mask(street_b_numbers[0]), "route": route, "row": 2},
        {"id_number": idnumber.mask(street_b_numbers[1]), "route": route, "row": 3},
    ]


def test_the_21st_lookup_within_the_hour_is_refused_whatever_its_answer_would_be(
    client: FlaskClient, district: District, login: Login, street_b_numbers: list[str], clock: FixedClock
) -> None:
    for number in street_b_numbers[:LOOKUPS_PER_HOUR]:
        assert create(client, district, login, number).json["code"] == "registered_elsewhere"
        clock.advance(timedelta(minutes=1))
    refused = create(client, district, login, street_b_numbers[LOOKUPS_PER_HOUR])
    assert refused.status_code == 429
    assert refused.json["code"] == "too_many_attempts"
    # The first answer was 20 minutes ago: it leaves the window in 40.
    assert int(refused.headers["Retry-After"]) == 40 * 60 + 1
    unknown = create(client, district, login, elder_data(district.codes["grid_a1"]).id_number)
    assert unknown.status_code == 429, "a refusal for registered numbers only would itself be the answer"
    assert len(lookups_audited(client, login)) == LOOKUPS_PER_HOUR
    mine = create(client, district, login, elder_data(district.codes["grid_a1"]).id_number, account="sup_b")
    assert mine.status_code == 201, "the allowance is each caller's own"
    clock.advance(timedelta(minutes=40, seconds=1))
    assert create(client, district, login, street_b_numbers[LOOKUPS_PER_HOUR]).status_code == 409


def test_the_own_streets_register_stays_open_when_the_allowance_is_spent(
    client: FlaskClient, district: District, login: Login, street_b_numbers: list[str], uow: UnitOfWork
) -> None:
    for number in street_b_numbers[:LOOKUPS_PER_HOUR]:
        create(client, district, login, number)
    with uow:
        own = uow.elders.get(SYSTEM.scope, district.elders["elder_a2"]).id_number
    again = create(client, district, login, own)
    assert (again.status_code, again.json["code"]) == (409, "already_registered")
    url = f"/api/v1/elders/{district.elders['elder_a1']}"
    assert client.patch(url, json={"name": "改名"}, headers=login("sup_a")).status_code == 200


def test_a_file_over_the_allowance_is_refused_naming_no_row_and_counts_every_hit(
    client: FlaskClient, district: District, login: Login, street_b_numbers: list[str]
) -> None:
    for number in street_b_numbers[:18]:
        create(client, district, login, number)
    response = upload(client, login, street_b_numbers[18:21], district.codes["grid_a1"], dry_run=True)
    assert response.status_code == 429
    assert (response.json.get("rows", []), response.json["errors"]) == ([], {})
    assert int(response.headers["Retry-After"]) > 0
    entries = lookups_audited(client, login)
    assert len(entries) == 21
    assert all(e["details"]["refused"] for e in entries[18:])
    unknown = create(client, district, login, elder_data(district.codes["grid_a1"]).id_number)
    assert unknown.status_code == 429
