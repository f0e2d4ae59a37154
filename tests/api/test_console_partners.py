"""机构与合同 in the console: the organisations in the caller's scope with their contracts and pairings,
forms through the same services as the API, each problem beside its field; another street's organisation is
the not-found page, a grid worker gets none of it."""

from __future__ import annotations

from datetime import date

import pytest
from flask.testing import FlaskClient

from tests.api.console import Console, figures
from tests.factories import District
from tests.partner_factories import (
    a_credit_code,
    make_contract,
    make_coordinator,
    make_organisation,
    make_visitor,
)
from visitsvc.infrastructure.uow import UnitOfWork


@pytest.fixture
def console(client: FlaskClient) -> Console:
    return Console(client)


@pytest.fixture
def station(uow: UnitOfWork, district: District) -> int:
    return make_organisation(uow, "北山社工站", area_codes=(district.codes["street_a"],))


def test_a_supervisor_registers_an_organisation_and_sees_it_listed_masked(
    console: Console, district: District
) -> None:
    console.login("sup_a")
    form = {"name": "北山志愿者协会", "kind": "volunteer_organisation", "credit_code": a_credit_code(),
            "area_codes": district.codes["street_a"], "contact_phone": "13800005678"}  # fmt: skip
    saved = console.post("/console/partners", form, form_page="/console/partners")
    assert saved.status_code == 303, saved.text
    listed = console.get("/console/partners").text
    rows = {key[1]: value for key, value in figures(listed).items() if key[2] == "name"}
    assert list(rows.values()) == ["北山志愿者协会"]
    assert "138****5678" in listed
    assert "13800005678" not in listed


def test_a_bad_code_and_a_missing_kind_come_back_beside_their_fields(
    console: Console, district: District
) -> None:
    console.login("sup_a")
    form = {"name": "坏代码", "kind": "", "credit_code": "1234", "area_codes": district.codes["street_a"]}
    refused = console.post("/console/partners", form, form_page="/console/partners")
    assert refused.status_code == 422
    assert 'data-error-for="kind"' in refused.text
    refused = console.post(
        "/console/partners", {**form, "kind": "social_organisation"}, form_page="/console/partners"
    )
    assert refused.status_code == 422
    assert 'data-error-for="credit_code"' in refused.text
    assert "统一社会信用代码须为 18 位" in refused.text
    assert 'value="坏代码"' in refused.text  # what was typed comes back
    assert "坏代码" not in console.get("/console/partners").text


def test_a_contract_and_a_pairing_through_the_organisations_page(
    console: Console, district: District, station: int, uow: UnitOfWork
) -> None:
    make_visitor(uow, "sw_a", organisation_id=station, area_code=district.codes["street_a"])
    page = f"/console/partners/{station}"
    console.login("sup_a")
    contract = {"code": "XH-001", "first_day": "2026-12-01", "last_day": "2027-11-30",
                "covered_area_codes": district.codes["street_a"], "prices.home": "45.5", "prices.phone": "8",
                "monthly_quota": "2000", "pays_not_found": "true"}  # fmt: skip
    assert console.post(f"{page}/contracts", contract, form_page=page).status_code == 303
    shown = figures(console.get(page).text)
    assert shown[("contracts", "XH-001", "price_home")] == "45.50"
    assert shown[("contracts", "XH-001", "quota")] == "2000"
    assert shown[("contracts", "XH-001", "pays_not_found")] == "是"
    with uow:
        visitor = uow.workers.find_by_account("sw_a")
        assert visitor is not None
        visitor_id = visitor.id
    pairing = {"elder_id": str(district.elders["elder_a1"]), "visitor_id": str(visitor_id),
               "first_day": "2026-12-01"}  # fmt: skip
    assert console.post(f"{page}/pairings", pairing, form_page=page).status_code == 303
    paired = {k[2]: v for k, v in figures(console.get(page).text).items() if k[0] == "pairings"}
    assert paired == {"visitor": "sw_a探访", "first_day": "2026-12-01", "last_day": "长期"}
    again = console.post(f"{page}/pairings", pairing, form_page=page)
    assert again.status_code == 409
    assert 'data-error-for="first_day"' in again.text


def test_contract_errors_are_shown_per_field(console: Console, district: District, station: int) -> None:
    page = f"/console/partners/{station}"
    console.login("sup_a")
    contract = {"code": "XH-002", "first_day": "2027-01-01", "last_day": "2026-12-01", "monthly_quota": "10",
                "covered_area_codes": district.codes["street_a"], "prices.home": "45.555"}  # fmt: skip
    refused = console.post(f"{page}/contracts", contract, form_page=page)
    assert refused.status_code == 422
    assert 'data-error-for="last_day"' in refused.text
    assert 'data-error-for="prices.home"' in refused.text


def test_a_contract_naming_an_area_nobody_has_is_refused_on_the_field(
    console: Console, district: District, station: int
) -> None:
    page = f"/console/partners/{station}"
    console.login("sup_a")
    contract = {"code": "XH-003", "first_day": "2026-12-01", "last_day": "2027-11-30", "monthly_quota": "10",
                "covered_area_codes": "999999999999", "prices.home": "45"}  # fmt: skip
    refused = console.post(f"{page}/contracts", contract, form_page=page)
    assert refused.status_code == 422
    assert 'data-error-for="covered_area_codes"' in refused.text


def test_a_number_that_is_a_digit_only_to_unicode_is_refused_on_the_field(
    console: Console, district: District, station: int
) -> None:
    page = f"/console/partners/{station}"
    console.login("sup_a")
    refused = console.post(f"{page}/pairings", {"elder_id": "²", "first_day": "2026-12-01"}, form_page=page)
    assert refused.status_code == 422
    assert 'data-error-for="elder_id"' in refused.text


def test_a_person_outside_the_street_is_named_on_the_pairing_form(
    console: Console, district: District, station: int
) -> None:
    page = f"/console/partners/{station}"
    console.login("sup_a")
    pairing = {"elder_id": str(district.elders["elder_b1"]), "first_day": "2026-12-01"}
    refused = console.post(f"{page}/pairings", pairing, form_page=page)
    assert refused.status_code == 422
    assert 'data-error-for="elder_id"' in refused.text


def test_another_streets_organisation_is_not_found(
    console: Console, district: District, uow: UnitOfWork, station: int
) -> None:
    west = make_organisation(uow, "西溪社工站", area_codes=(district.codes["street_b"],))
    make_contract(uow, west, area_code=district.codes["street_b"], first_day=date(2026, 12, 1),
                  last_day=date(2027, 1, 31), quota=5)  # fmt: skip
    console.login("sup_a")
    assert console.get(f"/console/partners/{west}").status_code == 404
    assert "西溪社工站" not in console.get("/console/partners").text


def test_a_grid_worker_is_refused_the_page(console: Console, district: District, station: int) -> None:
    console.login("w_a1")
    assert console.get("/console/partners").status_code == 403
    assert console.get(f"/console/partners/{station}").status_code == 403


def test_a_coordinator_gets_their_organisation_and_its_statements_and_no_other_page(
    console: Console, uow: UnitOfWork, district: District, station: int
) -> None:
    other = make_organisation(uow, "西溪社工站", area_codes=(district.codes["street_b"],))
    make_coordinator(uow, "coord_a", organisation_id=station, area_code=district.codes["street_a"])
    landed = console.login("coord_a")
    assert landed.status_code == 303
    assert landed.headers["Location"].endswith("/console/partners")
    listed = console.get("/console/partners")
    assert listed.status_code == 200
    assert "北山社工站" in listed.text
    assert "西溪社工站" not in listed.text
    assert 'id="organisation-form"' not in listed.text  # they read; the office manages
    own = console.get(f"/console/partners/{station}")
    assert own.status_code == 200
    assert 'id="pairing-form"' not in own.text
    assert console.get(f"/console/partners/{other}").status_code == 404
    assert console.get("/console/statements").status_code == 200
    for page in ("/console/", "/console/missed", "/console/ledger", "/console/plans"):
        assert console.get(page).status_code == 403, page
