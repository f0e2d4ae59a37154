"""Scope's forms for visitors and coordinators (issue 19) against the database: each clause a query applies
and its Python twin for rows already loaded give the same answer, for every caller and every row.

Street A's social-work station serves street A; a district-wide volunteer organisation serves the whole
district; street B's care provider serves street B. Each has a contract filed under its area, the station's
covering grid A1 only. Visitors and coordinators are filed under the street their organisation serves.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest
from sqlalchemy import select

from tests.factories import District, make_district
from tests.partner_factories import (
    make_contract,
    make_coordinator,
    make_organisation,
    make_pairing,
    make_visitor,
)
from visitsvc.access.scoping import Scope, scope_of
from visitsvc.accounts.auth import assigned_people
from visitsvc.infrastructure.uow import UnitOfWork
from visitsvc.kernel.month import Month
from visitsvc.model import Contract, Elder, Organisation, OrganisationKind, VisitorKind, Worker

TODAY = date(2026, 11, 25)  # tests.conftest.NOW
START, END = date(2026, 11, 1), date(2026, 12, 31)


@dataclass
class Partners:
    district: District
    organisations: dict[str, int]
    accounts: dict[str, int]
    contracts: dict[str, int]


@pytest.fixture
def partners(uow: UnitOfWork) -> Partners:
    d = make_district(uow)
    street_a, street_b = d.codes["street_a"], d.codes["street_b"]
    orgs = {
        "station_a": make_organisation(uow, "北山社工站", area_codes=(street_a,)),
        "volunteers": make_organisation(
            uow, "西湖区志愿者协会", area_codes=(d.codes["district"],),
            kind=OrganisationKind.VOLUNTEER_ORGANISATION,
        ),
        "care_b": make_organisation(
            uow, "西溪养老服务中心", area_codes=(street_b,), kind=OrganisationKind.CARE_PROVIDER
        ),
    }  # fmt: skip
    accounts = {
        "sw_a": make_visitor(uow, "sw_a", organisation_id=orgs["station_a"], area_code=street_a),
        "vol_a": make_visitor(
            uow, "vol_a", organisation_id=orgs["station_a"], area_code=street_a, kind=VisitorKind.VOLUNTEER
        ),
        "vol_free": make_visitor(uow, "vol_free", organisation_id=None, area_code=street_a),
        "staff_b": make_visitor(
            uow, "staff_b", organisation_id=orgs["care_b"], area_code=street_b, kind=VisitorKind.SERVICE_STAFF
        ),
        "coord_a": make_coordinator(uow, "coord_a", organisation_id=orgs["station_a"], area_code=street_a),
        "coord_b": make_coordinator(uow, "coord_b", organisation_id=orgs["care_b"], area_code=street_b),
    }
    contracts = {
        "station_a": make_contract(
            uow,
            orgs["station_a"],
            area_code=street_a,
            covered=(d.codes["grid_a1"],),
            first_day=START,
            last_day=END,
            quota=100,
        ),
        "volunteers": make_contract(
            uow, orgs["volunteers"], area_code=d.codes["district"], first_day=START, last_day=END, quota=100
        ),
        "care_b": make_contract(
            uow, orgs["care_b"], area_code=street_b, first_day=START, last_day=END, quota=100
        ),
    }
    return Partners(d, orgs, accounts, contracts)


def _scopes(uow: UnitOfWork, p: Partners) -> dict[str, Scope]:
    """Every caller's scope as their login builds it (pairings of today, this month's plan)."""
    found: dict[str, Scope] = {}
    with uow:
        for account, worker_id in [*p.district.accounts.items(), *p.accounts.items()]:
            worker = uow.workers.get(Scope.everything(), worker_id)
            found[account] = scope_of(worker, assigned_people(uow, worker, Month.of(TODAY), TODAY))
    return found


def test_a_visitor_sees_exactly_the_people_paired_with_them(uow: UnitOfWork, partners: Partners) -> None:
    d = partners.district
    make_pairing(
        uow, d.elders["elder_a1"], visitor_id=partners.accounts["vol_a"], first_day=date(2026, 11, 1)
    )
    make_pairing(  # ended last month: no longer theirs
        uow, d.elders["elder_a2"], visitor_id=partners.accounts["vol_a"],
        first_day=date(2026, 9, 1), last_day=date(2026, 10, 31),
    )  # fmt: skip
    make_pairing(  # starts next month: not yet theirs
        uow, d.elders["elder_b1"], visitor_id=partners.accounts["vol_a"], first_day=date(2026, 12, 1)
    )
    scopes = _scopes(uow, partners)
    with uow:
        seen = set(uow.session.scalars(select(Elder.id).where(scopes["vol_a"].elder_clause())))
        assert seen == {d.elders["elder_a1"]}
        assert not set(uow.session.scalars(select(Elder.id).where(scopes["sw_a"].elder_clause())))


def test_a_visitor_sees_no_area_no_worker_no_organisation(uow: UnitOfWork, partners: Partners) -> None:
    scope = _scopes(uow, partners)["vol_a"]
    with uow:
        assert not list(uow.session.scalars(select(Worker.id).where(scope.worker_clause())))
        assert not list(uow.session.scalars(select(Organisation.id).where(scope.organisation_clause())))
        assert not list(uow.session.scalars(select(Contract.id).where(scope.contract_clause())))
    assert not scope.covers("/")
    assert not scope.overlaps("/")


def test_a_coordinator_sees_their_organisation_staff_and_no_one_else(
    uow: UnitOfWork, partners: Partners
) -> None:
    scope = _scopes(uow, partners)["coord_a"]
    with uow:
        seen = set(uow.session.scalars(select(Worker.account).where(scope.worker_clause())))
    assert seen == {"sw_a", "vol_a", "coord_a"}


def test_a_coordinator_sees_the_people_paired_with_their_organisation_or_its_staff(
    uow: UnitOfWork, partners: Partners
) -> None:
    d, p = partners.district, partners
    start = date(2026, 11, 1)
    make_pairing(uow, d.elders["elder_a1"], visitor_id=p.accounts["sw_a"], first_day=start)
    make_pairing(
        uow, d.elders["elder_a2"], organisation_id=p.organisations["station_a"],
        contract_id=p.contracts["station_a"], first_day=start,
    )  # fmt: skip
    make_pairing(uow, d.elders["elder_b1"], visitor_id=p.accounts["staff_b"], first_day=start)
    scopes = _scopes(uow, p)
    with uow:
        seen_a = set(uow.session.scalars(select(Elder.id).where(scopes["coord_a"].elder_clause())))
        seen_b = set(uow.session.scalars(select(Elder.id).where(scopes["coord_b"].elder_clause())))
    assert seen_a == {d.elders["elder_a1"], d.elders["elder_a2"]}
    assert seen_b == {d.elders["elder_b1"]}


def test_a_supervisor_sees_the_visitors_filed_under_their_area(uow: UnitOfWork, partners: Partners) -> None:
    scopes = _scopes(uow, partners)
    with uow:
        sup_a = set(uow.session.scalars(select(Worker.account).where(scopes["sup_a"].worker_clause())))
        sup_b = set(uow.session.scalars(select(Worker.account).where(scopes["sup_b"].worker_clause())))
    assert {"sw_a", "vol_a", "vol_free", "coord_a"} <= sup_a
    assert not {"staff_b", "coord_b"} & sup_a
    assert {"staff_b", "coord_b"} <= sup_b
    assert not {"sw_a", "vol_a", "vol_free", "coord_a"} & sup_b


@pytest.mark.parametrize(
    ("account", "organisations"),
    [
        ("admin", {"station_a", "volunteers", "care_b"}),
        # A district-wide organisation serves each street too: it lies above part of the scope.
        ("sup_a", {"station_a", "volunteers"}),
        ("sup_b", {"volunteers", "care_b"}),
        ("w_a1", {"station_a", "volunteers"}),
        ("coord_a", {"station_a"}),
        ("coord_b", {"care_b"}),
        ("vol_a", set()),
    ],
)
def test_organisations_and_contracts_within_each_scope(
    uow: UnitOfWork, partners: Partners, account: str, organisations: set[str]
) -> None:
    scope = _scopes(uow, partners)[account]
    names = {v: k for k, v in partners.organisations.items()}
    contract_names = {v: k for k, v in partners.contracts.items()}
    with uow:
        orgs = set(uow.session.scalars(select(Organisation.id).where(scope.organisation_clause())))
        contracts = set(uow.session.scalars(select(Contract.id).where(scope.contract_clause())))
    assert {names[o] for o in orgs} == organisations
    assert {contract_names[c] for c in contracts} == organisations


def test_the_python_twins_agree_with_the_clauses(uow: UnitOfWork, partners: Partners) -> None:
    """covers_worker, covers_organisation and covers_contract over every row, for every caller."""
    make_pairing(
        uow, partners.district.elders["elder_a1"], visitor_id=partners.accounts["vol_a"],
        first_day=date(2026, 11, 1),
    )  # fmt: skip
    scopes = _scopes(uow, partners)
    with uow:
        workers = list(uow.session.scalars(select(Worker)))
        organisations = list(uow.session.scalars(select(Organisation)))
        contracts = list(uow.session.scalars(select(Contract)))
        for account, scope in scopes.items():
            by_clause = set(uow.session.scalars(select(Worker.id).where(scope.worker_clause())))
            assert {w.id for w in workers if scope.covers_worker(w)} == by_clause, account
            by_clause = set(uow.session.scalars(select(Organisation.id).where(scope.organisation_clause())))
            assert {o.id for o in organisations if scope.covers_organisation(o)} == by_clause, account
            by_clause = set(uow.session.scalars(select(Contract.id).where(scope.contract_clause())))
            assert {c.id for c in contracts if scope.covers_contract(c)} == by_clause, account


def test_overlap_clause_takes_areas_within_and_above_the_scope(uow: UnitOfWork, partners: Partners) -> None:
    from visitsvc.model import Area

    d = partners.district
    scopes = _scopes(uow, partners)
    with uow:
        codes = {
            account: set(
                uow.session.scalars(select(Area.code).where(scopes[account].overlap_clause(Area.path)))
            )
            for account in ("sup_a", "w_a1", "coord_a", "vol_a")
        }
    assert codes["sup_a"] == {
        d.codes[k] for k in ("district", "street_a", "community_a", "grid_a1", "grid_a2")
    }
    assert codes["w_a1"] == {d.codes[k] for k in ("district", "street_a", "community_a", "grid_a1")}
    assert codes["coord_a"] == codes["vol_a"] == set()
