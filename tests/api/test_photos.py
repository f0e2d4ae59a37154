"""Photos of a visit: checked by their bytes and size, kept once however often a phone retries."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date

from flask.testing import FlaskClient

from tests.api.conftest import Headers
from tests.factories import District
from tests.fieldwork import at, visit_body
from visitsvc.config import Settings
from visitsvc.field.thresholds import FieldRules

Login = Callable[[str], Headers]
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01" + b"\x00" * 2000


def post_photo(
    client: FlaskClient, visit_id: int, data: bytes, headers: Headers, name: str = "a.jpg"
) -> object:
    return client.post(
        f"/api/v1/visits/{visit_id}/photos",
        data={"file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
        headers=headers,
    )


def recorded(client: FlaskClient, district: District, login: Login) -> int:
    body = visit_body(elder_id=district.elders["elder_a1"], start=at(date(2026, 11, 25), 9))
    visit_id: int = client.post("/api/v1/visits", json=body, headers=login("w_a1")).json["id"]
    return visit_id


def test_a_photo_is_stored_once_however_often_it_is_uploaded(
    client: FlaskClient, district: District, login: Login
) -> None:
    visit_id = recorded(client, district, login)
    first = post_photo(client, visit_id, JPEG, login("w_a1"))
    assert (first.status_code, first.json["content_type"], first.json["size"]) == (
        201,
        "image/jpeg",
        len(JPEG),
    )
    again = post_photo(client, visit_id, JPEG, login("w_a1"))
    assert (again.status_code, again.json["id"]) == (200, first.json["id"])


def test_the_type_is_read_from_the_bytes_not_the_name(
    client: FlaskClient, district: District, login: Login
) -> None:
    visit_id = recorded(client, district, login)
    fake = post_photo(client, visit_id, b"GIF89a" + b"\x00" * 100, login("w_a1"), name="looks.jpg")
    assert (fake.status_code, list(fake.json["errors"])) == (422, ["file"])


def test_a_photo_over_the_limit_is_413(
    client: FlaskClient, district: District, login: Login, settings: Settings
) -> None:
    visit_id = recorded(client, district, login)
    too_big = JPEG + b"\x00" * settings.field_rules.max_photo_bytes
    response = post_photo(client, visit_id, too_big, login("w_a1"))
    assert (response.status_code, response.json["code"]) == (413, "too_large")


def test_only_the_worker_who_recorded_the_visit_adds_photos(
    client: FlaskClient, district: District, login: Login
) -> None:
    visit_id = recorded(client, district, login)
    assert post_photo(client, visit_id, JPEG, login("w_a2")).status_code == 404
    assert post_photo(client, 999_999, JPEG, login("w_a1")).status_code == 404


def test_a_missing_file_is_422(client: FlaskClient, district: District, login: Login) -> None:
    visit_id = recorded(client, district, login)
    response = client.post(f"/api/v1/visits/{visit_id}/photos", data={}, headers=login("w_a1"))
    assert response.status_code == 422


def test_the_limit_is_a_setting() -> None:
    assert FieldRules().max_photo_bytes == 5 * 1024 * 1024
