from __future__ import annotations

from collections.abc import Callable

from flask.testing import FlaskClient

from tests.api.conftest import Headers
from tests.factories import District

Login = Callable[[str], Headers]
SICK = {"first_day": "2026-11-25", "last_day": "2026-11-26", "kind": "sick", "note": "发烧"}


def test_a_worker_reports_a_sick_day_and_the_supervisor_sees_it(
    client: FlaskClient, district: District, login: Login
) -> None:
    assert client.post("/api/v1/me/absences", json=SICK, headers=login("w_a1")).status_code == 201
    listed = client.get(f"/api/v1/workers/{district.accounts['w_a1']}/absences", headers=login("sup_a"))
    assert [(a["first_day"], a["kind"]) for a in listed.json] == [("2026-11-25", "sick")]


def test_absences_are_scoped_and_checked(client: FlaskClient, district: District, login: Login) -> None:
    url = f"/api/v1/workers/{district.accounts['w_a1']}/absences"
    assert client.post(url, json=SICK, headers=login("sup_b")).status_code == 404
    assert client.post(url, json=SICK, headers=login("w_a2")).status_code == 403
    backwards = {**SICK, "first_day": "2026-11-27"}
    response = client.post(url, json=backwards, headers=login("sup_a"))
    assert response.status_code == 422
    assert "last_day" in response.json["errors"]
    assert client.post(url, json=SICK, headers=login("sup_a")).status_code == 201
    assert client.post(url, json=SICK, headers=login("sup_a")).status_code == 409


def test_an_absence_can_be_withdrawn_only_before_it_starts(
    client: FlaskClient, district: District, login: Login
) -> None:
    url = f"/api/v1/workers/{district.accounts['w_a1']}/absences"
    started = client.post(url, json=SICK, headers=login("sup_a")).json
    later = client.post(
        url,
        json={"first_day": "2026-12-07", "last_day": "2026-12-11", "kind": "training"},
        headers=login("sup_a"),
    ).json
    assert client.delete(f"{url}/{started['id']}", headers=login("sup_a")).status_code == 409
    assert client.delete(f"{url}/{later['id']}", headers=login("sup_a")).status_code == 204
    assert [a["id"] for a in client.get(url, headers=login("sup_a")).json] == [started["id"]]
