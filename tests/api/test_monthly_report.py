"""GET /api/v1/reports/monthly.xlsx: the month's statistics an office publishes, with the coverage
endpoint's figures, the missed list masked, audited, and only for a supervisor's own area
(tests/api/december.py describes the month)."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable

import pytest
from flask.testing import FlaskClient
from openpyxl import load_workbook
from sqlalchemy import select

from tests.api.conftest import Headers
from tests.api.december import December, december
from tests.factories import District, make_follow_up
from visitsvc.infrastructure.uow import UnitOfWork
from visitsvc.kernel.clock import FixedClock
from visitsvc.model import AuditEntry, Elder, FollowUp

Login = Callable[[str], Headers]


@pytest.fixture
def month(uow: UnitOfWork, clock: FixedClock, district: District) -> December:
    return december(uow, clock, district)


def report(client: FlaskClient, headers: Headers, **query: str) -> tuple[int, bytes]:
    response = client.get(
        "/api/v1/reports/monthly.xlsx", query_string={"month": "2026-12", **query}, headers=headers
    )
    return response.status_code, response.data


def test_the_report_holds_the_coverage_figures_the_missed_list_masked_flags_and_follow_ups(
    client: FlaskClient, district: District, login: Login, uow: UnitOfWork, month: December
) -> None:
    sup = login("sup_a")
    status, content = report(client, sup)
    assert status == 200
    book = load_workbook(io.BytesIO(content))
    assert book.sheetnames == ["覆盖率", "未覆盖名单", "核查标记", "跟进事项", "探访人员"]
    coverage = client.get("/api/v1/coverage", query_string={"month": "2026-12"}, headers=sup).json
    rows = list(book["覆盖率"].iter_rows(min_row=2, values_only=True))
    total = next(r for r in rows if r[0] == "合计")
    assert (total[3], total[4], total[5]) == (
        coverage["total"]["coverable"],
        coverage["total"]["covered"],
        coverage["total"]["coverage_pct"],
    )
    home = coverage["total"]["home_visits"]
    assert (total[7], total[8], total[9]) == (
        home["owed"],
        home["at_home"],
        home["by_call_after_empty_doorstep"],
    )
    by_area = {r[1]: (r[3], r[4]) for r in rows if r[0] == "区域"}
    assert by_area == {a["area"]: (a["coverable"], a["covered"]) for a in coverage["by_area"]}
    missed = list(book["未覆盖名单"].iter_rows(min_row=2, values_only=True))
    assert {r[0] for r in missed} == {month.people["elder_a2"], month.people["elder_a1b"]}
    with uow:
        numbers = {e.id: e.id_number for e in uow.session.scalars(select(Elder))}
    for row in missed:
        assert row[2] != numbers[row[0]], "ID numbers are masked"
        assert "*" in row[2]
    not_home = next(r for r in missed if r[0] == month.people["elder_a2"])
    assert (not_home[5], not_home[6], not_home[10]) == ("不在家", "已无计划时段", 1)


def test_the_report_is_audited(
    client: FlaskClient, district: District, login: Login, uow: UnitOfWork, month: December
) -> None:
    assert report(client, login("sup_a"))[0] == 200
    with uow:
        entries = uow.session.scalars(select(AuditEntry).where(AuditEntry.action == "report.monthly")).all()
        assert [(e.actor_id, e.record_id) for e in entries] == [(district.accounts["sup_a"], "2026-12")]


def test_the_report_is_for_supervisors_of_the_area(
    client: FlaskClient, district: District, login: Login, month: December
) -> None:
    assert report(client, login("w_a1"))[0] == 403
    assert report(client, login("sup_b"), area=district.codes["street_a"])[0] == 404
    status, content = report(client, login("sup_b"))
    assert status == 200
    missed = list(load_workbook(io.BytesIO(content))["未覆盖名单"].iter_rows(min_row=2, values_only=True))
    assert [r[0] for r in missed] == [month.people["elder_b1"]], "street B only"
    assert report(client, login("sup_a"), month="2026-13")[0] == 422


def test_names_and_notes_that_look_like_formulas_stay_text(
    client: FlaskClient, district: District, login: Login, uow: UnitOfWork, month: December
) -> None:
    """An elder named `=1+2` and a follow-up note `=HYPERLINK(...)` were live formulas in the report."""
    note = '=HYPERLINK("http://x","y")'
    item = make_follow_up(uow, month.records["elder_a2"])
    with uow:
        uow.session.get_one(Elder, month.people["elder_a2"]).name = "=1+2"
        uow.session.get_one(FollowUp, item).note = note
        uow.commit()
    status, content = report(client, login("sup_a"))
    assert status == 200
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/")]
        assert sheets
        assert not any("<f>" in archive.read(n).decode() for n in sheets), "no formula anywhere"
    book = load_workbook(io.BytesIO(content))
    missed = next(
        r for r in book["未覆盖名单"].iter_rows(min_row=2) if r[0].value == month.people["elder_a2"]
    )
    assert (missed[1].value, missed[1].data_type) == ("=1+2", "s")
    follow_up = next(r for r in book["跟进事项"].iter_rows(min_row=2) if r[0].value == item)
    assert [(c.value, c.data_type) for c in (follow_up[1], follow_up[6])] == [("=1+2", "s"), (note, "s")]
    assert (missed[0].data_type, missed[10].data_type) == ("n", "n"), "numbers stay numbers"
