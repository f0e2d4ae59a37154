"""Narrowing a caller's scope to an area code (`?area=` on every list that takes one): the area's subtree
when it lies within the scope, 404 when it does not, exactly like an area that does not exist."""

from __future__ import annotations

import pytest

from tests.factories import District, make_district
from visitsvc.access.scoping import Caller, Scope, caller_for
from visitsvc.infrastructure.uow import UnitOfWork
from visitsvc.kernel.errors import NotFound


def caller(uow: UnitOfWork, d: District, account: str) -> Caller:
    with uow:
        return caller_for(uow.workers.get(Scope.everything(), d.accounts[account]))


@pytest.fixture
def district(uow: UnitOfWork) -> District:
    return make_district(uow)


def test_an_area_within_the_scope_narrows_to_its_subtree(uow: UnitOfWork, district: District) -> None:
    sup_a = caller(uow, district, "sup_a")
    with uow:
        community = uow.areas.get_by_code(sup_a.scope, district.codes["community_a"])
        narrowed = uow.areas.scope_within(sup_a.scope, district.codes["community_a"])
    assert narrowed.home_path == community.path
    assert narrowed != sup_a.scope


@pytest.mark.parametrize("area_code", [None, ""])
def test_no_area_code_is_the_whole_scope(uow: UnitOfWork, district: District, area_code: str | None) -> None:
    sup_a = caller(uow, district, "sup_a")
    with uow:
        assert uow.areas.scope_within(sup_a.scope, area_code) == sup_a.scope


@pytest.mark.parametrize("area_code", ["street_b", "grid_b1", "district"])
def test_an_area_outside_or_above_the_scope_is_not_found(
    uow: UnitOfWork, district: District, area_code: str
) -> None:
    sup_a = caller(uow, district, "sup_a")
    with uow, pytest.raises(NotFound):
        uow.areas.scope_within(sup_a.scope, district.codes[area_code])


def test_an_unknown_area_is_not_found_either(uow: UnitOfWork, district: District) -> None:
    sup_a = caller(uow, district, "sup_a")
    with uow, pytest.raises(NotFound):
        uow.areas.scope_within(sup_a.scope, "999999")


def test_a_grid_worker_may_name_their_grid_but_not_the_street_above_it(
    uow: UnitOfWork, district: District
) -> None:
    w_a1 = caller(uow, district, "w_a1")
    with uow:
        grid = uow.areas.scope_within(w_a1.scope, district.codes["grid_a1"])
        assert grid == w_a1.scope
        with pytest.raises(NotFound):
            uow.areas.scope_within(w_a1.scope, district.codes["street_a"])
