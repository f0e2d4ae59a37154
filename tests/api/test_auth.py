from __future__ import annotations

from datetime import timedelta

from flask.testing import FlaskClient

from tests.factories import PASSWORD, District
from visitsvc.kernel.clock import FixedClock


def token(client: FlaskClient, account: str, password: str = PASSWORD):  # type: ignore[no-untyped-def]
    return client.post("/api/v1/auth/token", json={"username": account, "password": password})


def bearer(access: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {access}"}


def test_login_gives_a_bearer_token_with_the_role(client: FlaskClient, district: District) -> None:
    response = token(client, "sup_a")
    assert response.status_code == 200
    body = response.json
    assert body["token_type"] == "Bearer"
    assert body["role"] == "supervisor"
    assert body["expires_in"] > 0
    assert client.get("/api/v1/areas", headers=bearer(body["access_token"])).status_code == 200


def test_a_wrong_password_is_401_and_the_same_as_an_unknown_account(
    client: FlaskClient, district: District
) -> None:
    wrong = token(client, "sup_a", "not-the-password")
    unknown = token(client, "nobody", "not-the-password")
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json == unknown.json


def test_five_failures_make_the_next_try_from_that_address_wait_without_checking_the_password(
    client: FlaskClient, district: District, clock: FixedClock
) -> None:
    for _ in range(5):
        assert token(client, "w_a1", "guess-guess").status_code == 401
    waiting = token(client, "w_a1")  # the right password, but it is not even checked
    assert waiting.status_code == 429
    assert waiting.json["code"] == "too_many_attempts"
    assert waiting.headers["Retry-After"] == "1"
    clock.advance(timedelta(seconds=1))
    assert token(client, "w_a1").status_code == 200


def test_requests_without_a_valid_token_are_401(client: FlaskClient, district: District) -> None:
    assert client.get("/api/v1/elders").status_code == 401
    response = client.get("/api/v1/elders", headers=bearer("made-up"))
    assert response.status_code == 401
    assert response.json["code"] == "invalid_token"


def test_tokens_expire(client: FlaskClient, district: District, clock: FixedClock) -> None:
    access = token(client, "sup_a").json["access_token"]
    clock.advance(timedelta(hours=8, seconds=1))
    response = client.get("/api/v1/areas", headers=bearer(access))
    assert response.status_code == 401
    assert response.json["code"] == "token_expired"


def refresh(client: FlaskClient, refresh_token: str):  # type: ignore[no-untyped-def]
    return client.post("/api/v1/auth/refresh", json={"refresh_token": refresh_token})


def test_a_refresh_token_is_rotated(client: FlaskClient, district: District) -> None:
    first = token(client, "w_a1").json
    second = refresh(client, first["refresh_token"])
    assert second.status_code == 200
    assert second.json["refresh_token"] != first["refresh_token"]
    assert client.get("/api/v1/areas", headers=bearer(second.json["access_token"])).status_code == 200
    assert refresh(client, second.json["refresh_token"]).status_code == 200


def test_a_refresh_token_reused_within_a_minute_is_refused_alone(
    client: FlaskClient, district: District, clock: FixedClock
) -> None:
    """A phone whose refresh answer was lost on a bad link retries with the old token: refused, but the pair
    the lost answer carried stays good, so the phone is not logged out."""
    first = token(client, "w_a1").json
    second = refresh(client, first["refresh_token"]).json
    clock.advance(timedelta(seconds=30))
    replay = refresh(client, first["refresh_token"])
    assert replay.status_code == 401
    assert replay.json["code"] == "invalid_token"
    assert client.get("/api/v1/areas", headers=bearer(second["access_token"])).status_code == 200
    assert refresh(client, second["refresh_token"]).status_code == 200


def test_a_refresh_token_reused_later_ends_the_whole_session(
    client: FlaskClient, district: District, clock: FixedClock
) -> None:
    first = token(client, "w_a1").json
    second = refresh(client, first["refresh_token"]).json
    clock.advance(timedelta(seconds=90))
    assert refresh(client, first["refresh_token"]).status_code == 401
    # The thief's replay revoked the whole family, the legitimate new pair included.
    assert client.get("/api/v1/areas", headers=bearer(second["access_token"])).status_code == 401
    assert refresh(client, second["refresh_token"]).status_code == 401


def test_deactivating_a_worker_revokes_their_tokens(client: FlaskClient, district: District) -> None:
    worker = token(client, "w_a1").json["access_token"]
    supervisor = token(client, "sup_a").json["access_token"]
    assert client.get("/api/v1/areas", headers=bearer(worker)).status_code == 200
    response = client.patch(
        f"/api/v1/workers/{district.accounts['w_a1']}", json={"active": False}, headers=bearer(supervisor)
    )
    assert response.status_code == 200, response.json
    assert client.get("/api/v1/areas", headers=bearer(worker)).status_code == 401
    assert token(client, "w_a1").status_code == 401


def test_a_new_password_revokes_the_old_sessions(client: FlaskClient, district: District) -> None:
    worker = token(client, "w_a1").json["access_token"]
    admin = token(client, "admin").json["access_token"]
    response = client.patch(
        f"/api/v1/workers/{district.accounts['w_a1']}",
        json={"password": "brand-new-pass"},
        headers=bearer(admin),
    )
    assert response.status_code == 200
    assert client.get("/api/v1/areas", headers=bearer(worker)).status_code == 401
    assert token(client, "w_a1", "brand-new-pass").status_code == 200


def test_logout_ends_the_session(client: FlaskClient, district: District) -> None:
    pair = token(client, "sup_a").json
    assert client.post("/api/v1/auth/logout", headers=bearer(pair["access_token"])).status_code == 204
    assert client.get("/api/v1/areas", headers=bearer(pair["access_token"])).status_code == 401
    assert (
        client.post("/api/v1/auth/refresh", json={"refresh_token": pair["refresh_token"]}).status_code == 401
    )


def test_me_names_the_account_its_role_and_its_grids_and_nothing_personal(
    client: FlaskClient, district: District
) -> None:
    worker = token(client, "w_a1").json["access_token"]
    me = client.get("/api/v1/me", headers=bearer(worker)).json
    assert me == {
        "username": "w_a1",
        "name": "张网格",
        "role": "grid_worker",
        "worker_id": district.accounts["w_a1"],
        "area": None,
        "grids": [{"code": district.codes["grid_a1"], "name": "保俶一网格"}],
        "kind": "grid_worker",
        "organisation": None,
    }
    supervisor = token(client, "sup_a").json["access_token"]
    assert client.get("/api/v1/me", headers=bearer(supervisor)).json["area"] == {
        "code": district.codes["street_a"],
        "name": "北山街道",
    }
    assert client.get("/api/v1/me").status_code == 401
