"""The console's 结算单 page, its audited download, a visit's photos, the overview's split by who visits."""

from __future__ import annotations

import io
from collections.abc import Callable

from flask.testing import FlaskClient
from openpyxl import load_workbook
from sqlalchemy import select

from tests.api.conftest import Headers
from tests.api.console import Console, figures
from tests.api.test_coverage_split import mixed_month
from tests.api.test_photo_views import photographed
from tests.api.test_statements import a_station
from tests.factories import District
from visitsvc.infrastructure.uow import UnitOfWork
from visitsvc.model import AuditEntry

Login = Callable[[str], Headers]


def actions(uow: UnitOfWork, action: str) -> list[AuditEntry]:
    with uow:
        return list(uow.session.scalars(select(AuditEntry).where(AuditEntry.action == action)))


def test_the_statement_page_shows_paid_and_excluded_visits_with_reasons(
    client: FlaskClient, district: District, uow: UnitOfWork
) -> None:
    organisation, (paid, doubtful, _) = a_station(uow, district)
    console = Console(client)
    console.login("sup_a")

    page = console.get("/console/statements", organisation=organisation, month="2026-11")

    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "no-store"
    html = page.text
    assert 'id="amount">50.00<' in html
    assert f'data-visit="{paid}"' in html.split('id="excluded"')[0]
    excluded = html.split('id="excluded"')[1]
    assert f'data-visit="{doubtful}"' in excluded
    assert 'data-reason="too_far_open"' in excluded
    assert 'data-reason="not_paired"' in excluded
    assert actions(uow, "statement.export") == []  # reading the page is no export

    download = console.post(
        "/console/statements/download", {"organisation": organisation, "month": "2026-11"},
        form_page=f"/console/statements?organisation={organisation}&month=2026-11",
    )  # fmt: skip
    assert download.status_code == 200
    assert load_workbook(io.BytesIO(download.data)).sheetnames == ["汇总", "计费探访", "未计费探访"]
    assert len(actions(uow, "statement.export")) == 1


def test_another_streets_supervisor_gets_404_for_the_statement(
    client: FlaskClient, district: District, uow: UnitOfWork
) -> None:
    organisation, _ = a_station(uow, district)
    console = Console(client)
    console.login("sup_b")
    assert console.get("/console/statements", organisation=organisation, month="2026-11").status_code == 404
    page = console.get("/console/statements", month="2026-11")
    assert page.status_code == 200
    assert "古荡志愿者协会" in page.text
    assert "西湖区社工站" not in page.text  # street A's station is not street B's to pick


def test_a_visits_photos_in_the_console_each_load_audited(
    client: FlaskClient, district: District, login: Login, uow: UnitOfWork
) -> None:
    visit_id, (jpeg, png) = photographed(client, district, login)
    console = Console(client)
    console.login("sup_a")

    page = console.get(f"/console/visits/{visit_id}/photos")
    assert page.status_code == 200
    assert f"/console/photos/{jpeg}" in page.text
    assert f"/console/photos/{png}" in page.text
    assert actions(uow, "visit.photo_view") == []

    shown = console.get(f"/console/photos/{jpeg}")
    assert (shown.status_code, shown.mimetype) == (200, "image/jpeg")
    assert shown.headers["Cache-Control"] == "no-store"
    assert shown.headers["X-Content-Type-Options"] == "nosniff"
    assert [e.record_id for e in actions(uow, "visit.photo_view")] == [str(jpeg)]

    other = Console(client.application.test_client())
    other.login("sup_b")
    assert other.get(f"/console/photos/{jpeg}").status_code == 404
    assert other.get(f"/console/visits/{visit_id}/photos").status_code == 404


def test_the_overview_shows_who_made_the_visits(
    client: FlaskClient, district: District, uow: UnitOfWork
) -> None:
    station = mixed_month(uow, district)
    console = Console(client)
    console.login("sup_a")
    shown = figures(console.get("/console/", month="2026-11").text)
    assert shown[("by-visitor-kind", "social_worker", "visits")] == "2"
    assert shown[("by-visitor-kind", "volunteer", "people_covered")] == "1"
    assert shown[("by-organisation", str(station), "visited")] == "2"
    assert shown[("by-organisation", "none", "visits")] == "1"
