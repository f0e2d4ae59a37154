"""A visit's photos shown back to supervisors: through the person's scope (404 outside), never cached, served
as the stored type with no sniffing, each view audited."""

from __future__ import annotations

from collections.abc import Callable

from flask.testing import FlaskClient
from sqlalchemy import select

from tests.api.conftest import Headers
from tests.api.test_photos import JPEG, post_photo, recorded
from tests.factories import District
from visitsvc.infrastructure.uow import UnitOfWork
from visitsvc.model import AuditEntry

Login = Callable[[str], Headers]
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 500


def photographed(client: FlaskClient, district: District, login: Login) -> tuple[int, list[int]]:
    """A visit of A1 (street A) by w_a1 with a JPEG and a PNG."""
    visit_id = recorded(client, district, login)
    ids = [post_photo(client, visit_id, data, login("w_a1")).json["id"] for data in (JPEG, PNG)]  # type: ignore[attr-defined]
    return visit_id, ids


def views(uow: UnitOfWork) -> list[AuditEntry]:
    with uow:
        query = select(AuditEntry).where(AuditEntry.action == "visit.photo_view").order_by(AuditEntry.id)
        return list(uow.session.scalars(query))


def test_a_supervisor_sees_the_photos_as_stored_never_cached_each_view_audited(
    client: FlaskClient, district: District, login: Login, uow: UnitOfWork
) -> None:
    visit_id, (jpeg, png) = photographed(client, district, login)

    listed = client.get(f"/api/v1/visits/{visit_id}/photos", headers=login("sup_a"))
    assert listed.status_code == 200
    assert [(p["id"], p["content_type"], p["size"]) for p in listed.json] == [
        (jpeg, "image/jpeg", len(JPEG)),
        (png, "image/png", len(PNG)),
    ]
    assert views(uow) == []  # a list shows no photo

    for photo_id, data, media_type in ((jpeg, JPEG, "image/jpeg"), (png, PNG, "image/png")):
        shown = client.get(f"/api/v1/photos/{photo_id}", headers=login("sup_a"))
        assert shown.status_code == 200
        assert shown.data == data
        assert shown.mimetype == media_type
        assert shown.headers["Cache-Control"] == "no-store"
        assert shown.headers["X-Content-Type-Options"] == "nosniff"
    client.get(f"/api/v1/photos/{jpeg}", headers=login("admin"))

    entries = views(uow)
    assert [(e.record_id, e.details["visit_id"]) for e in entries] == [
        (str(jpeg), visit_id),
        (str(png), visit_id),
        (str(jpeg), visit_id),
    ]
    assert entries[0].actor_id == district.accounts["sup_a"]
    assert entries[2].actor_id == district.accounts["admin"]


def test_outside_the_persons_scope_a_photo_is_not_found(
    client: FlaskClient, district: District, login: Login, uow: UnitOfWork
) -> None:
    visit_id, (jpeg, _) = photographed(client, district, login)
    assert client.get(f"/api/v1/visits/{visit_id}/photos", headers=login("sup_b")).status_code == 404
    assert client.get(f"/api/v1/photos/{jpeg}", headers=login("sup_b")).status_code == 404
    assert client.get("/api/v1/photos/999999", headers=login("sup_a")).status_code == 404
    assert client.get("/api/v1/visits/999999/photos", headers=login("sup_a")).status_code == 404
    assert views(uow) == []


def test_photos_are_for_supervisors_not_the_phone(
    client: FlaskClient, district: District, login: Login, uow: UnitOfWork
) -> None:
    visit_id, (jpeg, _) = photographed(client, district, login)
    assert client.get(f"/api/v1/photos/{jpeg}", headers=login("w_a1")).status_code == 403
    assert client.get(f"/api/v1/visits/{visit_id}/photos", headers=login("w_a1")).status_code == 403
    assert views(uow) == []
