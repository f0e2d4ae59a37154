"""POST /api/v1/organisations/import: the 台账 of organisations (sheet 机构) and their staff (sheet 人员), all
or nothing, errors by row and by sheet/column, idempotent on re-import."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest
from flask.testing import FlaskClient

from tests.api.conftest import Headers
from tests.factories import District
from tests.partner_factories import a_credit_code, partner_workbook
from visitsvc.infrastructure.uow import UnitOfWork
from visitsvc.model import Role, TravelMode, VisitorKind

Login = Callable[[str], Headers]
CODE = a_credit_code()


def organisation_row(district: District, **overrides: str) -> list[str]:
    row = {"name": "北山社工站", "kind": "社工站", "code": CODE, "contact": "王站长", "phone": "13800001234",
           "areas": district.codes["street_a"], **overrides}  # fmt: skip
    return list(row.values())


def staff_row(account: str, district: District, **overrides: str) -> list[str]:
    row = {
        "account": account, "name": f"{account}姓名", "phone": "", "role": "探访人员", "kind": "社工",
        "organisation": CODE, "weekdays": "一三五", "travel": "步行", "minutes": "180", "lon": "120.13",
        "lat": "30.27", "area": district.codes["street_a"], **overrides,
    }  # fmt: skip
    return list(row.values())


def good_file(district: District) -> bytes:
    return partner_workbook(
        [organisation_row(district)],
        [
            staff_row("coord_a", district, role="协调员", kind="", weekdays="", lon="", lat=""),
            staff_row("sw_a", district),
            staff_row("vol_a", district, kind="志愿者", organisation="", weekdays="周一至周五"),
        ],
    )


def upload(client: FlaskClient, headers: Headers, content: bytes, *, name: str = "机构台账.xlsx") -> Any:
    return client.post(
        "/api/v1/organisations/import", data={"file": (io.BytesIO(content), name)}, headers=headers,
        content_type="multipart/form-data",
    )  # fmt: skip


def test_a_good_file_registers_the_organisation_and_its_staff(
    client: FlaskClient, district: District, login: Login, uow: UnitOfWork
) -> None:
    response = upload(client, login("sup_a"), good_file(district))
    assert response.status_code == 200, response.json
    assert response.json == {
        "organisations": 1, "staff": 3, "created": 4, "updated": 0, "unchanged": 0, "dry_run": False,
    }  # fmt: skip
    with uow:
        organisation = uow.organisations.by_credit_code(CODE)
        assert organisation is not None
        coordinator, social, volunteer = (
            uow.workers.find_by_account(a) for a in ("coord_a", "sw_a", "vol_a")
        )
        assert coordinator is not None and social is not None and volunteer is not None  # noqa: PT018
        assert (coordinator.role, coordinator.organisation_id) == (Role.COORDINATOR, organisation.id)
        assert (social.kind, social.organisation_id, social.weekdays) == (
            VisitorKind.SOCIAL_WORKER, organisation.id, frozenset({1, 3, 5}),
        )  # fmt: skip
        assert (social.travel_mode, social.visit_minutes_per_day) == (TravelMode.WALK, 180)
        assert (volunteer.kind, volunteer.organisation_id, volunteer.weekdays) == (
            VisitorKind.VOLUNTEER, None, frozenset({1, 2, 3, 4, 5}),
        )  # fmt: skip


def test_reimporting_the_same_file_changes_nothing_and_a_changed_row_updates(
    client: FlaskClient, district: District, login: Login
) -> None:
    assert upload(client, login("sup_a"), good_file(district)).status_code == 200
    again = upload(client, login("sup_a"), good_file(district))
    assert again.status_code == 200, again.json
    assert (again.json["created"], again.json["updated"], again.json["unchanged"]) == (0, 0, 4)
    renamed = partner_workbook(
        [organisation_row(district, name="北山街道社工站")], [staff_row("sw_a", district, weekdays="二四")]
    )
    changed = upload(client, login("sup_a"), renamed)
    assert (changed.json["created"], changed.json["updated"], changed.json["unchanged"]) == (0, 2, 0)
    listed = client.get("/api/v1/organisations", headers=login("sup_a")).json["items"]
    assert [o["name"] for o in listed] == ["北山街道社工站"]


def test_a_file_with_errors_writes_nothing_and_names_each_cell(
    client: FlaskClient, district: District, login: Login, uow: UnitOfWork
) -> None:
    bad_code = CODE[:17] + ("0" if CODE[17] != "0" else "1")
    content = partner_workbook(
        [organisation_row(district), organisation_row(district, code=bad_code, name="坏代码")],
        [
            staff_row("sw_a", district),
            staff_row("sw_b", district, weekdays="周八"),
            staff_row("coord_x", district, role="协调员", kind="", organisation="", weekdays=""),
            staff_row("sw_c", district, area=district.codes["street_b"]),
            staff_row("w_a1", district),
        ],
    )
    response = upload(client, login("sup_a"), content)
    assert response.status_code == 422, response.json
    cells = {(r["row"], r["column"]) for r in response.json["rows"]}
    assert cells == {
        (3, "机构/统一社会信用代码"), (3, "人员/工作日"), (4, "人员/机构信用代码"), (5, "人员/所属区划"),
        (6, "人员/账号"),
    }  # fmt: skip
    with uow:
        assert uow.organisations.by_credit_code(CODE) is None
        assert uow.workers.find_by_account("sw_a") is None


def test_organisations_serving_other_areas_are_refused_row_by_row(
    client: FlaskClient, district: District, login: Login
) -> None:
    content = partner_workbook([organisation_row(district, areas=district.codes["street_b"])], [])
    response = upload(client, login("sup_a"), content)
    assert response.status_code == 422
    assert [(r["row"], r["column"]) for r in response.json["rows"]] == [(2, "机构/服务区划")]


def test_a_missing_sheet_or_column_is_refused(client: FlaskClient, district: District, login: Login) -> None:
    from openpyxl import Workbook

    book = Workbook()
    book.active.title = "机构"  # type: ignore[union-attr]
    out = io.BytesIO()
    book.save(out)
    response = upload(client, login("admin"), out.getvalue())
    assert response.status_code == 422
    assert "人员" in response.json["message"]


@pytest.mark.parametrize("account", ["w_a1", "coord"])
def test_only_admins_and_supervisors_import(
    client: FlaskClient, district: District, login: Login, uow: UnitOfWork, account: str
) -> None:
    from tests.partner_factories import make_coordinator, make_organisation

    organisation = make_organisation(uow, area_codes=(district.codes["street_a"],))
    make_coordinator(uow, "coord", organisation_id=organisation, area_code=district.codes["street_a"])
    assert upload(client, login(account), good_file(district)).status_code == 403
