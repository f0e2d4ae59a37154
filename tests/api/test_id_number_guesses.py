"""A masked ID number and the birth year leave about 33 candidates: searching them one by one must not pay.

Searches by ID number that find nobody count against each caller's allowance (10 an hour); once it is spent
every search answers 429, whatever it would have found. Grid workers do not search by ID number at all.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from flask.testing import FlaskClient

from tests.api.conftest import Headers
from tests.factories import SYSTEM, District, id_number
from visitsvc.infrastructure.repositories.elders import ElderFilter
from visitsvc.infrastructure.uow import UnitOfWork
from visitsvc.kernel.clock import FixedClock
from visitsvc.register import elder_reads
from visitsvc.register.id_lookups import MISSES_PER_HOUR, SEARCH_ACTION

Login = Callable[[str], Headers]


def number_of(uow: UnitOfWork, elder_id: int) -> str:
    with uow:
        number: str = uow.elders.get(SYSTEM.scope, elder_id).id_number
        return number


def search(client: FlaskClient, login: Login, number: str, account: str = "sup_a") -> Any:
    return client.post("/api/v1/elders/lookup", json={"id_number": number}, headers=login(account))


def searches_audited(client: FlaskClient, login: Login) -> list[dict[str, Any]]:
    response = client.get(
        "/api/v1/audit", query_string={"action": SEARCH_ACTION, "limit": 200}, headers=login("admin")
    )
    assert response.status_code == 200, response.json
    return list(response.json["items"])


def test_the_11th_miss_within_the_hour_is_refused_whatever_the_search_would_find(
    client: FlaskClient, district: District, login: Login, uow: UnitOfWork, clock: FixedClock
) -> None:
    for _ in range(MISSES_PER_HOUR):
        missed = search(client, login, id_number())
        assert (missed.status_code, missed.json["items"]) == (200, [])
        clock.advance(timedelta(minutes=1))
    refused = search(client, login, id_number())
    assert (refused.status_code, refused.json["code"]) == (429, "too_many_attempts")
    # The first miss was 10 minutes ago: it leaves the window in 50.
    assert int(refused.headers["Retry-After"]) == 50 * 60 + 1
    own = number_of(uow, district.elders["elder_a1"])
    assert search(client, login, own).status_code == 429, "a refusal must not tell hit from miss"
    assert len(searches_audited(client, login)) == MISSES_PER_HOUR, "refused searches looked nothing up"
    assert search(client, login, own, account="sup_b").status_code == 200, "each caller's own"

    clock.advance(timedelta(minutes=50, seconds=1))
    found = search(client, login, own)
    assert found.status_code == 200
    assert [e["id"] for e in found.json["items"]] == [district.elders["elder_a1"]]


def test_searches_that_find_someone_do_not_count(
    client: FlaskClient, district: District, login: Login, uow: UnitOfWork
) -> None:
    """A clerk checking forms finds most people; a guesser misses about 16 times for each number found."""
    own = number_of(uow, district.elders["elder_a1"])
    for _ in range(2 * MISSES_PER_HOUR):
        assert search(client, login, own).json["items"] != []
    for _ in range(MISSES_PER_HOUR):
        assert search(client, login, id_number()).status_code == 200
    assert search(client, login, own).status_code == 429


def test_a_number_held_outside_the_callers_area_is_a_miss(
    client: FlaskClient, district: District, login: Login, uow: UnitOfWork
) -> None:
    """Out of area is as if missing: it counts like a number nobody holds."""
    theirs = number_of(uow, district.elders["elder_b1"])
    for _ in range(MISSES_PER_HOUR):
        assert search(client, login, theirs).json["items"] == []
    assert search(client, login, theirs).status_code == 429


def test_a_grid_worker_may_not_search_by_id_number(
    client: FlaskClient, district: District, login: Login, uow: UnitOfWork
) -> None:
    """The phone finds people on the day's route and by name; the full number is the register's key."""
    own = number_of(uow, district.elders["elder_a1"])
    refused = search(client, login, own, account="w_a1")
    assert (refused.status_code, refused.json["code"]) == (403, "forbidden")
    assert searches_audited(client, login) == []
    listed = client.get("/api/v1/elders", query_string={"q": "王"}, headers=login("w_a1"))
    assert listed.status_code == 200, "searching one's own people by name stays open"


def test_the_system_itself_is_audited_not_limited(district: District, uow: UnitOfWork) -> None:
    for _ in range(MISSES_PER_HOUR + 1):
        items, _ = elder_reads.list_elders(uow, caller=SYSTEM, flt=ElderFilter(id_number=id_number()))
        assert items == []
