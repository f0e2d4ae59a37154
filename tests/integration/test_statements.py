"""Statements for payment (结算): what an organisation's staff delivered under its contracts in a month,
computed from the records; every visit either paid at the contract's price or excluded with its reasons."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import update

from tests.factories import District, make_district, make_flag, make_record
from tests.partner_factories import (
    make_contract,
    make_coordinator,
    make_organisation,
    make_pairing,
    make_visitor,
)
from visitsvc.access.scoping import Caller, Scope, caller_for
from visitsvc.infrastructure.uow import UnitOfWork
from visitsvc.kernel.errors import Forbidden, NotFound
from visitsvc.kernel.month import Month
from visitsvc.model import (
    Elder,
    FlagKind,
    FlagState,
    RecordState,
    VisitFlag,
    VisitKind,
    VisitOutcome,
    VisitRecord,
)
from visitsvc.settlement import statements
from visitsvc.settlement.statement import Exclusion, Statement, mask_name

NOVEMBER = Month(2026, 11)


class Station:
    """Street A's social-work station: a contract for November, a social worker, elders A1 and A2 paired
    under the contract; B1 (street B) is not paired."""

    def __init__(self, uow: UnitOfWork, d: District, **contract: object) -> None:
        self.d = d
        street = d.codes["street_a"]
        self.organisation = make_organisation(uow, area_codes=(street,))
        terms: dict[str, object] = {
            "first_day": date(2026, 11, 1),
            "last_day": date(2026, 11, 30),
            "quota": 10,
        }
        terms.update(contract)
        self.contract = make_contract(uow, self.organisation, area_code=street, **terms)  # type: ignore[arg-type]
        self.visitor = make_visitor(uow, "sw1", organisation_id=self.organisation, area_code=street)
        for elder in ("elder_a1", "elder_a2"):
            make_pairing(
                uow, d.elders[elder], visitor_id=self.visitor, organisation_id=self.organisation,
                contract_id=self.contract, first_day=date(2026, 10, 1),
            )  # fmt: skip

    def record(self, uow: UnitOfWork, elder: str, day: int, **kw: object) -> int:
        return make_record(
            uow,
            elder_id=self.d.elders[elder],
            worker_id=self.visitor,
            day=date(2026, 11, day),
            **kw,  # type: ignore[arg-type]
        )


@pytest.fixture
def d(uow: UnitOfWork) -> District:
    return make_district(uow)


def caller(uow: UnitOfWork, worker_id: int) -> Caller:
    with uow:
        return caller_for(uow.workers.get(Scope.everything(), worker_id))


def statement_of(uow: UnitOfWork, d: District, station: Station, account: str = "sup_a") -> Statement:
    return statements.get_statement(
        uow, caller=caller(uow, d.accounts[account]), organisation_id=station.organisation, month=NOVEMBER
    )


def reasons(s: Statement) -> dict[int, list[Exclusion]]:
    return {line.visit_id: line.reasons for line in s.excluded}


def test_totals_equal_the_visits_recorded_with_each_exclusion_and_its_reason(
    uow: UnitOfWork, d: District
) -> None:
    station = Station(uow, d)
    paid = station.record(uow, "elder_a1", 2)
    too_far = station.record(uow, "elder_a1", 3)
    make_flag(uow, too_far, FlagKind.TOO_FAR, distance_m=900.0)
    void = station.record(uow, "elder_a2", 4)
    short_but_proven = station.record(uow, "elder_a2", 5)
    make_flag(uow, short_but_proven, FlagKind.TOO_SHORT)
    unverified_home = station.record(uow, "elder_a2", 6)
    make_flag(uow, unverified_home, FlagKind.LOCATION_PROPOSED, lon=120.1, lat=30.2)
    late = station.record(uow, "elder_a1", 7, state=RecordState.QUARANTINED)
    refused = station.record(uow, "elder_a1", 8, outcome=VisitOutcome.REFUSED)
    with uow:
        uow.session.execute(
            update(VisitRecord).where(VisitRecord.id == void).values(voided_at=uow.clock.now())
        )
        uow.session.execute(
            update(VisitFlag).where(VisitFlag.visit_id == short_but_proven).values(state=FlagState.DISMISSED)
        )
        uow.session.execute(
            update(Elder).where(Elder.id == d.elders["elder_a2"]).values(location_verified=False)
        )
        uow.commit()

    s = statement_of(uow, d, station)

    assert [line.visit_id for line in s.delivered] == [paid, short_but_proven, unverified_home]
    assert reasons(s) == {
        too_far: [Exclusion.TOO_FAR_OPEN],
        void: [Exclusion.VOID],
        late: [Exclusion.QUARANTINED],
        refused: [Exclusion.NOT_DELIVERED],
    }
    assert s.recorded == 7 == len(s.delivered) + len(s.excluded)
    assert s.delivered_by_kind == {VisitKind.HOME: 3}
    assert s.amount == Decimal("150.00") == s.contracts[0].amount
    assert s.contracts[0].delivered == 3
    first = s.delivered[0]
    assert (first.minutes_on_site, first.photos, first.contract_id) == (20, 0, station.contract)
    with uow:
        name = uow.elders.by_ids([d.elders["elder_a1"]])[d.elders["elder_a1"]].name
    assert first.elder_name == mask_name(name) != name
    assert s.excluded[0].flags[0].kind is FlagKind.TOO_FAR


def test_a_flag_the_supervisor_dismissed_no_longer_excludes_the_visit(uow: UnitOfWork, d: District) -> None:
    station = Station(uow, d)
    visit = station.record(uow, "elder_a1", 3)
    flag = make_flag(uow, visit, FlagKind.TOO_FAR, distance_m=900.0)
    assert reasons(statement_of(uow, d, station)) == {visit: [Exclusion.TOO_FAR_OPEN]}
    with uow:
        uow.session.execute(update(VisitFlag).where(VisitFlag.id == flag).values(state=FlagState.DISMISSED))
        uow.commit()
    assert [line.visit_id for line in statement_of(uow, d, station).delivered] == [visit]


def test_quota_pays_the_months_first_visits_by_start_time_and_excludes_the_rest(
    uow: UnitOfWork, d: District
) -> None:
    station = Station(uow, d, quota=2)
    latest = station.record(uow, "elder_a1", 20)  # recorded first, started last
    first = station.record(uow, "elder_a1", 5)
    second = station.record(uow, "elder_a2", 6)
    also_beyond = station.record(uow, "elder_a2", 21)

    s = statement_of(uow, d, station)

    assert [line.visit_id for line in s.delivered] == [first, second]
    assert reasons(s) == {latest: [Exclusion.BEYOND_QUOTA], also_beyond: [Exclusion.BEYOND_QUOTA]}
    assert (s.contracts[0].delivered, s.contracts[0].beyond_quota, s.amount) == (2, 2, Decimal("100.00"))


def test_an_excluded_visit_spends_no_quota(uow: UnitOfWork, d: District) -> None:
    station = Station(uow, d, quota=1)
    doubtful = station.record(uow, "elder_a1", 2)
    make_flag(uow, doubtful, FlagKind.TOO_SHORT)
    proven = station.record(uow, "elder_a1", 3)
    s = statement_of(uow, d, station)
    assert [line.visit_id for line in s.delivered] == [proven]
    assert reasons(s) == {doubtful: [Exclusion.TOO_SHORT_OPEN]}


@pytest.mark.parametrize("pays_not_found", [False, True])
def test_a_try_that_found_nobody_is_paid_only_if_the_contract_says_so(
    uow: UnitOfWork, d: District, pays_not_found: bool
) -> None:
    station = Station(uow, d, pays_not_found=pays_not_found, home_price="48.50", phone_price="12.25")
    not_home = station.record(uow, "elder_a1", 2, outcome=VisitOutcome.NOT_HOME)
    no_answer = station.record(uow, "elder_a2", 3, outcome=VisitOutcome.UNREACHABLE, kind=VisitKind.PHONE)
    visited = station.record(uow, "elder_a2", 4)

    s = statement_of(uow, d, station)

    if pays_not_found:
        assert [line.visit_id for line in s.delivered] == [not_home, no_answer, visited]
        assert s.delivered_by_kind == {VisitKind.HOME: 2, VisitKind.PHONE: 1}
        assert s.amount == Decimal("109.25")
    else:
        assert [line.visit_id for line in s.delivered] == [visited]
        assert reasons(s) == {not_home: [Exclusion.NOT_FOUND_UNPAID], no_answer: [Exclusion.NOT_FOUND_UNPAID]}
        assert s.amount == Decimal("48.50")
    assert isinstance(s.amount, Decimal)
    assert s.amount.as_tuple().exponent == -2


def test_visits_outside_the_period_or_of_an_unpaired_person_are_outside_the_contract(
    uow: UnitOfWork, d: District
) -> None:
    station = Station(uow, d, last_day=date(2026, 11, 15))
    inside = station.record(uow, "elder_a1", 15)
    after_the_period = station.record(uow, "elder_a1", 16)
    unpaired = station.record(uow, "elder_b1", 10)
    # The grid worker's visit of a paired person is none of the organisation's: not on its statement.
    make_record(uow, elder_id=d.elders["elder_a1"], worker_id=d.accounts["w_a1"], day=date(2026, 11, 11))
    # Nor is the staff's visit of another month.
    station_visit_in_october = make_record(
        uow, elder_id=d.elders["elder_a1"], worker_id=station.visitor, day=date(2026, 10, 30)
    )

    s = statement_of(uow, d, station)

    assert [line.visit_id for line in s.delivered] == [inside]
    assert reasons(s) == {after_the_period: [Exclusion.OUTSIDE_PERIOD], unpaired: [Exclusion.NOT_PAIRED]}
    assert station_visit_in_october not in {line.visit_id for line in s.delivered + s.excluded}
    assert s.recorded == 3


def test_a_kind_without_a_price_is_outside_the_contract(uow: UnitOfWork, d: District) -> None:
    station = Station(uow, d)
    with uow:
        contract = uow.contracts.get(station.contract)
        contract.prices = [p for p in contract.prices if p.kind is VisitKind.HOME]
        uow.commit()
    call = station.record(uow, "elder_a1", 2, kind=VisitKind.PHONE)
    assert reasons(statement_of(uow, d, station)) == {call: [Exclusion.NO_PRICE]}


def test_who_may_read_a_statement(uow: UnitOfWork, d: District) -> None:
    station = Station(uow, d)
    station.record(uow, "elder_a1", 2)
    own = make_coordinator(uow, "coord", organisation_id=station.organisation, area_code=d.codes["street_a"])
    other_org = make_organisation(uow, "古荡志愿者协会", area_codes=(d.codes["street_b"],))
    stranger = make_coordinator(uow, "coord2", organisation_id=other_org, area_code=d.codes["street_b"])

    def read(worker_id: int) -> Statement:
        return statements.get_statement(
            uow, caller=caller(uow, worker_id), organisation_id=station.organisation, month=NOVEMBER
        )

    assert len(read(own).delivered) == 1
    assert len(read(d.accounts["admin"]).delivered) == 1
    with pytest.raises(NotFound):
        read(stranger)
    with pytest.raises(NotFound):
        read(d.accounts["sup_b"])  # the station serves street A only
    with pytest.raises(Forbidden):
        read(d.accounts["w_a1"])
    with pytest.raises(Forbidden):
        read(station.visitor)
    with pytest.raises(NotFound):
        statements.get_statement(
            uow, caller=caller(uow, d.accounts["admin"]), organisation_id=999_999, month=NOVEMBER
        )
