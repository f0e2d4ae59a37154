"""Coverage and the monthly report split by who made the visits: per visitor kind and per organisation."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date

from flask.testing import FlaskClient
from openpyxl import load_workbook
from sqlalchemy import update

from tests.api.conftest import Headers
from tests.factories import SYSTEM, District, make_record
from tests.partner_factories import make_organisation, make_visitor
from visitsvc.infrastructure.uow import UnitOfWork
from visitsvc.model import Category, RecordState, VisitorKind, VisitOutcome, VisitRecord
from visitsvc.register import elders

Login = Callable[[str], Headers]


def mixed_month(uow: UnitOfWork, d: District) -> int:
    """November in street A (its two people owed a home visit a month): w_a1 sees A1; the station's social
    worker sees A2 and finds A1 out; its volunteer sees A2 again; an independent volunteer's visit of A1 is
    void and another held: neither counts."""
    station = make_organisation(uow, area_codes=(d.codes["street_a"],))
    social = make_visitor(uow, "sw1", organisation_id=station, area_code=d.codes["street_a"])
    volunteer = make_visitor(
        uow, "vol1", organisation_id=station, area_code=d.codes["street_a"], kind=VisitorKind.VOLUNTEER
    )
    independent = make_visitor(
        uow, "vol2", organisation_id=None, area_code=d.codes["street_a"], kind=VisitorKind.VOLUNTEER
    )
    monthly = frozenset({Category.EMPTY_NEST})
    a1, a2 = d.elders["elder_a1"], d.elders["elder_a2"]
    for elder_id in (a1, a2):  # a home visit a month: one visit covers them
        elders.update_elder(uow, caller=SYSTEM, elder_id=elder_id, changes={"categories": monthly})
    make_record(uow, elder_id=a1, worker_id=d.accounts["w_a1"], day=date(2026, 11, 3))
    make_record(uow, elder_id=a2, worker_id=social, day=date(2026, 11, 4))
    make_record(uow, elder_id=a1, worker_id=social, day=date(2026, 11, 5), outcome=VisitOutcome.NOT_HOME)
    make_record(uow, elder_id=a2, worker_id=volunteer, day=date(2026, 11, 6))
    void = make_record(uow, elder_id=a1, worker_id=independent, day=date(2026, 11, 7))
    make_record(uow, elder_id=a1, worker_id=independent, day=date(2026, 11, 8), state=RecordState.QUARANTINED)
    with uow:
        uow.session.execute(
            update(VisitRecord).where(VisitRecord.id == void).values(voided_at=uow.clock.now())
        )
        uow.commit()
    return station


def rows(figures: list[dict[str, object]]) -> dict[object, tuple[object, ...]]:
    return {f["key"]: (f["visits"], f["visited"], f["people_visited"], f["people_covered"]) for f in figures}


def test_coverage_splits_the_visits_by_visitor_kind_and_organisation(
    client: FlaskClient, district: District, login: Login, uow: UnitOfWork
) -> None:
    before = client.get("/api/v1/coverage?month=2026-11", headers=login("sup_a")).json
    station = mixed_month(uow, district)

    body = client.get("/api/v1/coverage?month=2026-11", headers=login("sup_a")).json

    covered = body["total"]["covered"]
    assert covered == 2  # A1 by the grid worker, A2 by the station: coverage counts whoever visited
    assert rows(body["by_visitor_kind"]) == {
        "grid_worker": (1, 1, 1, 1),
        "social_worker": (2, 1, 1, 1),
        "volunteer": (1, 1, 1, 1),
    }
    assert rows(body["by_organisation"]) == {str(station): (3, 2, 1, 1), "none": (1, 1, 1, 1)}
    assert [f["name"] for f in body["by_visitor_kind"]] == ["网格员", "社工", "志愿者"]
    assert body["by_organisation"][0]["name"] == "西湖区社工站"
    # The figures there were before stay as they were: only the visits changed them.
    assert set(before) | {"by_visitor_kind", "by_organisation"} == set(body)
    assert before["by_visitor_kind"] == before["by_organisation"] == []
    assert [row["area"] for row in body["by_area"]] == [row["area"] for row in before["by_area"]]


def test_the_split_covers_only_the_callers_people(
    client: FlaskClient, district: District, login: Login, uow: UnitOfWork
) -> None:
    mixed_month(uow, district)
    body = client.get("/api/v1/coverage?month=2026-11", headers=login("sup_b")).json
    assert (body["by_visitor_kind"], body["by_organisation"]) == ([], [])


def test_the_monthly_report_has_the_split(
    client: FlaskClient, district: District, login: Login, uow: UnitOfWork
) -> None:
    station = mixed_month(uow, district)
    answer = client.get("/api/v1/reports/monthly.xlsx?month=2026-11", headers=login("sup_a"))
    assert answer.status_code == 200
    sheet = load_workbook(io.BytesIO(answer.data))["探访人员"]
    assert [list(r) for r in sheet.iter_rows(values_only=True)] == [
        ["分组", "代码", "名称", "探访次数", "见到本人次数", "见到人数", "其中已覆盖人数"],
        ["人员类别", "grid_worker", "网格员", 1, 1, 1, 1],
        ["人员类别", "social_worker", "社工", 2, 1, 1, 1],
        ["人员类别", "volunteer", "志愿者", 1, 1, 1, 1],
        ["所属机构", str(station), "西湖区社工站", 3, 2, 1, 1],
        ["所属机构", "none", "无所属机构", 1, 1, 1, 1],
    ]
