"""结对帮扶's rules, on the service: one pairing in force per person on any day; an active visitor, whose
organisation the pairing takes; a contract of that organisation whose period and areas hold the pairing."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from tests.factories import District, make_district
from tests.partner_factories import make_contract, make_organisation, make_visitor
from visitsvc.access.scoping import Caller, Scope, caller_for
from visitsvc.infrastructure.repositories.audit import AuditFilter
from visitsvc.infrastructure.uow import UnitOfWork
from visitsvc.kernel.errors import Conflict, Forbidden, Invalid, NotFound
from visitsvc.partners.pairings import PairingData, create_pairing, end_pairing
from visitsvc.register.workers import update_worker

DEC_1 = date(2026, 12, 1)


def caller(uow: UnitOfWork, account_id: int) -> Caller:
    with uow:
        return caller_for(uow.workers.get(Scope.everything(), account_id))


@pytest.fixture
def district(uow: UnitOfWork) -> District:
    return make_district(uow)


@pytest.fixture
def sup_a(uow: UnitOfWork, district: District) -> Caller:
    return caller(uow, district.accounts["sup_a"])


@pytest.fixture
def station(uow: UnitOfWork, district: District) -> int:
    return make_organisation(uow, area_codes=(district.codes["street_a"],))


@pytest.fixture
def social_worker(uow: UnitOfWork, district: District, station: int) -> int:
    return make_visitor(uow, "sw_a", organisation_id=station, area_code=district.codes["street_a"])


@pytest.fixture
def volunteer(uow: UnitOfWork, district: District) -> int:
    return make_visitor(uow, "vol_a", organisation_id=None, area_code=district.codes["street_a"])


def pair(uow: UnitOfWork, who: Caller, **fields: object) -> int:
    return create_pairing(uow, caller=who, data=PairingData(**fields)).id  # type: ignore[arg-type]


def test_a_visitor_of_an_organisation_brings_it_along(
    uow: UnitOfWork, district: District, sup_a: Caller, station: int, social_worker: int
) -> None:
    pairing = create_pairing(
        uow,
        caller=sup_a,
        data=PairingData(elder_id=district.elders["elder_a1"], visitor_id=social_worker, first_day=DEC_1),
    )
    assert (pairing.organisation_id, pairing.last_day, pairing.created_by) == (
        station, None, district.accounts["sup_a"],
    )  # fmt: skip


@pytest.mark.parametrize(
    ("first", "last"),
    [
        (date(2026, 12, 15), None),  # inside an open one
        (date(2026, 11, 1), date(2026, 12, 1)),  # ending on its first day
        (date(2027, 3, 1), date(2027, 3, 2)),  # far after the first day of an open one
    ],
)
def test_a_second_pairing_on_a_day_in_force_is_a_conflict(
    uow: UnitOfWork,
    district: District,
    sup_a: Caller,
    social_worker: int,
    volunteer: int,
    first: date,
    last: date | None,
) -> None:
    elder = district.elders["elder_a1"]
    pair(uow, sup_a, elder_id=elder, visitor_id=social_worker, first_day=DEC_1)
    with pytest.raises(Conflict) as raised:
        pair(uow, sup_a, elder_id=elder, visitor_id=volunteer, first_day=first, last_day=last)
    assert "first_day" in raised.value.errors


def test_after_a_pairing_ends_the_person_can_be_paired_again_from_the_next_day(
    uow: UnitOfWork, district: District, sup_a: Caller, social_worker: int, volunteer: int
) -> None:
    elder = district.elders["elder_a1"]
    first = pair(uow, sup_a, elder_id=elder, visitor_id=social_worker, first_day=DEC_1)
    ended = end_pairing(uow, caller=sup_a, pairing_id=first, last_day=date(2026, 12, 31))
    assert (ended.last_day, ended.ended_by) == (date(2026, 12, 31), district.accounts["sup_a"])
    with pytest.raises(Conflict):
        pair(uow, sup_a, elder_id=elder, visitor_id=volunteer, first_day=date(2026, 12, 31))
    pair(uow, sup_a, elder_id=elder, visitor_id=volunteer, first_day=date(2027, 1, 1))
    with pytest.raises(Conflict):  # ending it again, later, is no way to stretch it
        end_pairing(uow, caller=sup_a, pairing_id=first, last_day=date(2027, 2, 1))
    with pytest.raises(Invalid):
        end_pairing(uow, caller=sup_a, pairing_id=first, last_day=date(2026, 11, 30))


def test_only_an_active_visitor_can_be_paired(
    uow: UnitOfWork, district: District, sup_a: Caller, social_worker: int
) -> None:
    elder = district.elders["elder_a1"]
    for not_a_visitor in (district.accounts["w_a1"], district.accounts["sup_a"], 999_999):
        with pytest.raises(Invalid) as raised:
            pair(uow, sup_a, elder_id=elder, visitor_id=not_a_visitor, first_day=DEC_1)
        assert "visitor_id" in raised.value.errors
    update_worker(uow, caller=Caller.system(), worker_id=social_worker, changes={"active": False})
    with pytest.raises(Invalid):
        pair(uow, sup_a, elder_id=elder, visitor_id=social_worker, first_day=DEC_1)


def test_a_visitor_of_one_organisation_is_not_paired_under_another(
    uow: UnitOfWork, district: District, sup_a: Caller, social_worker: int, volunteer: int
) -> None:
    other = make_organisation(uow, "另一机构", area_codes=(district.codes["street_a"],))
    elder = district.elders["elder_a1"]
    with pytest.raises(Invalid) as raised:
        pair(uow, sup_a, elder_id=elder, visitor_id=social_worker, organisation_id=other, first_day=DEC_1)
    assert "visitor_id" in raised.value.errors
    with pytest.raises(Invalid):  # an independent volunteer is nobody's staff
        pair(uow, sup_a, elder_id=elder, visitor_id=volunteer, organisation_id=other, first_day=DEC_1)


def test_a_contract_must_be_the_organisations_and_hold_the_pairings_days_and_grid(
    uow: UnitOfWork, district: District, sup_a: Caller, station: int
) -> None:
    contract = make_contract(
        uow, station, area_code=district.codes["street_a"], first_day=DEC_1, last_day=date(2027, 5, 31),
        quota=100, covered=(district.codes["grid_a1"],),
    )  # fmt: skip
    other = make_organisation(uow, "另一机构", area_codes=(district.codes["street_a"],))
    a1, a2 = district.elders["elder_a1"], district.elders["elder_a2"]
    base = PairingData(elder_id=a1, organisation_id=station, contract_id=contract, first_day=DEC_1)
    cases = [
        (replace(base, organisation_id=other), "contract_id"),
        (replace(base, first_day=date(2026, 11, 30)), "first_day"),
        (replace(base, last_day=date(2027, 6, 1)), "last_day"),
        (replace(base, elder_id=a2), "elder_id"),  # grid a2 is not covered
    ]
    for data, field in cases:
        with pytest.raises(Invalid) as raised:
            create_pairing(uow, caller=sup_a, data=data)
        assert field in raised.value.errors, (data, raised.value.errors)
    pairing = create_pairing(uow, caller=sup_a, data=base)
    assert pairing.last_day == date(2027, 5, 31)  # an open pairing under a contract ends with it


def test_the_person_must_be_within_the_callers_scope(
    uow: UnitOfWork, district: District, sup_a: Caller, volunteer: int
) -> None:
    with pytest.raises(NotFound):
        pair(uow, sup_a, elder_id=district.elders["elder_b1"], visitor_id=volunteer, first_day=DEC_1)


def test_grid_workers_visitors_and_coordinators_may_not_pair(
    uow: UnitOfWork, district: District, volunteer: int
) -> None:
    for account_id in (district.accounts["w_a1"], volunteer):
        with pytest.raises(Forbidden):
            pair(
                uow,
                caller(uow, account_id),
                elder_id=district.elders["elder_a1"],
                visitor_id=volunteer,
                first_day=DEC_1,
            )


def test_nothing_is_written_when_a_rule_fails(
    uow: UnitOfWork, district: District, sup_a: Caller, social_worker: int, volunteer: int
) -> None:
    elder = district.elders["elder_a1"]
    pair(uow, sup_a, elder_id=elder, visitor_id=social_worker, first_day=DEC_1)
    with pytest.raises(Conflict):
        pair(uow, sup_a, elder_id=elder, visitor_id=volunteer, first_day=DEC_1)
    with uow:
        assert len(uow.pairings.overlapping(date.min, date.max, [elder])) == 1
        assert (
            len(
                uow.audit.page(
                    Scope.everything(), AuditFilter(action="pairing.create"), limit=10, before_id=None
                )
            )
            == 1
        )


def test_a_visitor_the_caller_does_not_see_is_refused_on_the_field(
    uow: UnitOfWork, district: District, sup_a: Caller
) -> None:
    west_volunteer = make_visitor(uow, "vol_b", organisation_id=None, area_code=district.codes["street_b"])
    west = make_organisation(uow, "西溪社工站", area_codes=(district.codes["street_b"],))
    west_social = make_visitor(uow, "sw_b", organisation_id=west, area_code=district.codes["street_b"])
    for visitor in (west_volunteer, west_social):
        with pytest.raises(Invalid) as raised:
            pair(uow, sup_a, elder_id=district.elders["elder_a1"], visitor_id=visitor, first_day=DEC_1)
        assert raised.value.errors == {"visitor_id": ["探访人员不存在或未启用"]}


def test_a_district_wide_organisations_visitor_filed_elsewhere_may_be_paired(
    uow: UnitOfWork, district: District, sup_a: Caller
) -> None:
    whole = make_organisation(uow, "区志愿者协会", area_codes=(district.codes["district"],))
    volunteer = make_visitor(uow, "vol_d", organisation_id=whole, area_code=district.codes["street_b"])
    pairing = create_pairing(
        uow,
        caller=sup_a,
        data=PairingData(elder_id=district.elders["elder_a1"], visitor_id=volunteer, first_day=DEC_1),
    )
    assert pairing.organisation_id == whole
