"""Body limits per route: 1 MiB by default, the 台账 import its max_import_bytes, a photo its 5 MiB, a sync
batch 4 MiB; a larger body is a 413 in the one error shape before any work is done."""

from __future__ import annotations

import io
import json
import uuid
from collections.abc import Callable

from flask import Flask
from flask.testing import FlaskClient

from api.limits import DEFAULT_BODY_BYTES, MULTIPART_OVERHEAD_BYTES, SYNC_BODY_BYTES, body_limits
from tests.api.conftest import Headers
from tests.api.console import Console
from tests.api.test_ledger import csv_of, row, upload
from tests.api.test_photos import JPEG, post_photo, recorded
from tests.factories import District
from visitsvc.config import Settings

Login = Callable[[str], Headers]


BLANK_LINES = (b"," * 1000 + b"\r\n") * 3000  # ~3 MiB of what a spreadsheet may leave after its last row


def json_of_size(size: int) -> bytes:
    """A JSON object of exactly `size` bytes (its one field is unknown to every schema)."""
    frame = b'{"padding": ""}'
    return frame[:-2] + b"x" * (size - len(frame)) + frame[-2:]


def test_a_json_body_over_1_mib_is_413_on_an_ordinary_route(
    client: FlaskClient, district: District, login: Login
) -> None:
    too_big = client.post(
        "/api/v1/visits",
        data=json_of_size(DEFAULT_BODY_BYTES + 1),
        content_type="application/json",
        headers=login("w_a1"),
    )
    assert too_big.status_code == 413
    assert too_big.json["code"] == "too_large"
    assert set(too_big.json) == {"code", "message", "errors"}
    at_the_limit = client.post(
        "/api/v1/visits",
        data=json_of_size(DEFAULT_BODY_BYTES),
        content_type="application/json",
        headers=login("w_a1"),
    )
    assert at_the_limit.status_code == 422, "read and validated: the unknown field is named"
    assert "padding" in at_the_limit.json["errors"]


def test_a_sync_batch_may_be_larger_than_1_mib_but_not_larger_than_4(
    client: FlaskClient, district: District, login: Login
) -> None:
    records = [{"client_id": str(uuid.uuid4()), "padding": "x" * 8000} for _ in range(200)]
    body = json.dumps({"records": records}).encode()
    assert DEFAULT_BODY_BYTES < len(body) < SYNC_BODY_BYTES
    response = client.post(
        "/api/v1/me/sync", data=body, content_type="application/json", headers=login("w_a1")
    )
    assert response.status_code == 200
    assert {r["status"] for r in response.json["results"]} == {"rejected"}
    too_big = client.post(
        "/api/v1/me/sync",
        data=json_of_size(SYNC_BODY_BYTES + 1),
        content_type="application/json",
        headers=login("w_a1"),
    )
    assert (too_big.status_code, too_big.json["code"]) == (413, "too_large")


def test_an_import_of_a_few_mib_still_passes_and_one_over_the_setting_is_413(
    client: FlaskClient, district: District, login: Login, settings: Settings
) -> None:
    content = csv_of([row(district.codes["grid_a1"])]) + BLANK_LINES
    assert len(content) > 2 * DEFAULT_BODY_BYTES
    imported = upload(client, login("sup_a"), content)
    assert imported.status_code == 200, imported.json
    assert imported.json["created"] == 1
    oversize = b"x" * (settings.max_import_bytes + MULTIPART_OVERHEAD_BYTES + 1)
    refused = upload(client, login("sup_a"), oversize)
    assert (refused.status_code, refused.json["code"]) == (413, "too_large")


def test_a_photo_of_5_mib_passes_the_body_limit(
    client: FlaskClient, district: District, login: Login, settings: Settings
) -> None:
    visit_id = recorded(client, district, login)
    photo = JPEG + b"\x00" * (settings.field_rules.max_photo_bytes - len(JPEG))
    response = post_photo(client, visit_id, photo, login("w_a1"))
    assert response.status_code == 201  # type: ignore[attr-defined]


def test_the_console_answers_an_oversize_form_with_its_413_page(
    client: FlaskClient, district: District
) -> None:
    console = Console(client)
    console.login("sup_a")
    page = console.post("/console/ledger/export", {"area": "x" * (DEFAULT_BODY_BYTES + 1)})
    assert page.status_code == 413
    assert "text/html" in page.content_type
    # ...while the 台账 check takes a file of 3 MiB.
    ledger = client.post(
        "/console/ledger/check",
        data={
            "csrf_token": console.token("/console/ledger"),
            "file": (
                io.BytesIO(csv_of([row(district.codes["grid_a1"])]) + BLANK_LINES),
                "a.csv",
            ),
        },
        content_type="multipart/form-data",
    )
    assert ledger.status_code == 200


def test_every_larger_limit_names_a_route_that_exists(app: Flask, settings: Settings) -> None:
    """A renamed view must not silently fall back to the 1 MiB default."""
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert set(body_limits(settings)) <= endpoints
