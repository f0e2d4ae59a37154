"""The access rule's answers every service asks for: which path is the caller's own (home_path), the part of
their scope an area names (narrowed_to), and where records about a worker are filed (filing_path). Paths as
the area tree writes them: /district/street/community/grid/, each id followed by a slash."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from visitsvc.access.scoping import (
    ROOT_PATH,
    Caller,
    Scope,
    filing_path,
    require_field_worker,
    require_people_reader,
    require_register_reader,
    scope_of,
)
from visitsvc.kernel.errors import Forbidden, NotFound
from visitsvc.model import Area, AreaLevel, Role, VisitorKind, VisitorProfile, Worker

DISTRICT = "/1/"
STREET_A = "/1/2/"
STREET_B = "/1/3/"
GRID_A1 = "/1/2/4/5/"
GRID_A2 = "/1/2/4/6/"
GRID_B1 = "/1/3/7/8/"


def area(path: str, level: AreaLevel) -> Area:
    return Area(code=path.strip("/").replace("/", ""), name=path, level=level, path=path)


def worker(role: Role, *, area_path: str | None = None, grids: tuple[str, ...] = ()) -> Worker:
    home = area(area_path, AreaLevel.STREET) if area_path is not None else None
    return Worker(role=role, area=home, grids=[area(g, AreaLevel.GRID) for g in grids])


class TestHomePath:
    def test_a_supervisor_is_at_home_in_their_area_node(self) -> None:
        assert scope_of(worker(Role.SUPERVISOR, area_path=STREET_A)).home_path == STREET_A

    def test_an_admin_of_the_whole_register_is_at_home_at_the_root(self) -> None:
        assert Scope.everything().home_path == ROOT_PATH

    def test_a_grid_worker_with_one_grid_is_at_home_in_it(self) -> None:
        assert scope_of(worker(Role.GRID_WORKER, grids=(GRID_A1,))).home_path == GRID_A1

    def test_a_grid_worker_with_several_grids_gets_the_root_not_one_of_them(self) -> None:
        scope = scope_of(worker(Role.GRID_WORKER, grids=(GRID_A2, GRID_A1)))
        assert scope.home_path == ROOT_PATH

    def test_an_empty_scope_gets_the_root(self) -> None:
        assert Scope(()).home_path == ROOT_PATH
        assert scope_of(worker(Role.SUPERVISOR)).home_path == ROOT_PATH

    def test_people_assigned_from_other_grids_do_not_move_the_home(self) -> None:
        assert Scope((GRID_A1,), assigned_elders=frozenset({41, 42})).home_path == GRID_A1


class TestNarrowedTo:
    def test_an_area_within_the_scope_gives_its_subtree_only(self) -> None:
        narrowed = Scope((DISTRICT,)).narrowed_to(STREET_A)
        assert narrowed == Scope((STREET_A,))
        assert narrowed.covers(GRID_A1)
        assert not narrowed.covers(GRID_B1)
        assert not narrowed.covers(DISTRICT)

    def test_the_scope_own_node_gives_the_same_subtree(self) -> None:
        assert Scope((STREET_A,)).narrowed_to(STREET_A) == Scope((STREET_A,))

    def test_one_of_a_grid_worker_grids_gives_that_grid(self) -> None:
        assert Scope((GRID_A1, GRID_A2)).narrowed_to(GRID_A2) == Scope((GRID_A2,))

    def test_an_area_outside_the_scope_is_not_found(self) -> None:
        with pytest.raises(NotFound):
            Scope((STREET_A,)).narrowed_to(STREET_B)

    def test_naming_an_area_above_the_scope_does_not_widen_it(self) -> None:
        with pytest.raises(NotFound):
            Scope((GRID_A1,)).narrowed_to(STREET_A)
        with pytest.raises(NotFound):
            Scope((STREET_A,)).narrowed_to(ROOT_PATH)

    def test_an_empty_scope_narrows_to_nothing(self) -> None:
        with pytest.raises(NotFound):
            Scope(()).narrowed_to(STREET_A)

    def test_people_assigned_from_other_grids_are_left_out(self) -> None:
        narrowed = Scope((GRID_A1, GRID_A2), assigned_elders=frozenset({41})).narrowed_to(GRID_A1)
        assert narrowed.assigned_elders == frozenset()

    def test_a_narrowed_scope_is_at_home_in_the_named_area(self) -> None:
        assert Scope.everything().narrowed_to(STREET_B).home_path == STREET_B

    def test_a_path_is_matched_by_its_segments_not_its_characters(self) -> None:
        # "/1/2/" must not take in "/1/23/": every path ends with a slash.
        with pytest.raises(NotFound):
            Scope((STREET_A,)).narrowed_to("/1/23/")


class TestFilingPath:
    def test_a_supervisor_is_filed_under_their_area_node(self) -> None:
        assert filing_path(worker(Role.SUPERVISOR, area_path=STREET_A)) == STREET_A

    def test_a_grid_worker_with_several_grids_is_filed_under_the_first_not_the_root(self) -> None:
        several = worker(Role.GRID_WORKER, grids=(GRID_A2, GRID_B1))
        assert filing_path(several) == GRID_A2
        assert scope_of(several).home_path == ROOT_PATH  # the difference is on purpose: see filing_path

    def test_a_worker_with_neither_area_nor_grid_is_filed_at_the_root(self) -> None:
        assert filing_path(worker(Role.GRID_WORKER)) == ROOT_PATH


def visitor(
    role: Role = Role.VISITOR, *, organisation_id: int | None = 9, area_path: str = STREET_A
) -> Worker:
    """A visitor or a coordinator, filed under a street as the partners' factories file them."""
    filed = worker(role, area_path=area_path)
    kind = None if role is Role.COORDINATOR else VisitorKind.VOLUNTEER
    filed.profile = VisitorProfile(kind=kind, organisation_id=organisation_id)
    return filed


class TestVisitorsAndCoordinators:
    def test_a_visitor_scope_is_their_people_and_no_area(self) -> None:
        scope = scope_of(visitor(), frozenset({41, 42}))
        assert scope == Scope((), frozenset({41, 42}))
        assert not scope.covers(STREET_A)
        assert not scope.overlaps(DISTRICT)

    def test_the_street_a_visitor_is_filed_under_gives_them_nothing_of_it(self) -> None:
        with pytest.raises(NotFound):
            scope_of(visitor(), frozenset({41})).narrowed_to(STREET_A)

    def test_a_coordinator_scope_is_their_organisation(self) -> None:
        scope = scope_of(visitor(Role.COORDINATOR), frozenset({41}))
        assert scope == Scope((), frozenset({41}), organisation=9)
        assert scope.covers_worker(visitor(organisation_id=9))
        assert not scope.covers_worker(visitor(organisation_id=10))
        assert not scope.covers_worker(visitor(organisation_id=None))
        assert not scope.covers_worker(worker(Role.GRID_WORKER, grids=(GRID_A1,)))

    def test_a_visitor_scope_covers_no_worker_not_even_a_colleague(self) -> None:
        scope = scope_of(visitor(), frozenset({41}))
        assert not scope.covers_worker(visitor(organisation_id=9))

    def test_a_supervisor_covers_the_visitors_filed_under_their_area(self) -> None:
        scope = scope_of(worker(Role.SUPERVISOR, area_path=STREET_A))
        assert scope.covers_worker(visitor(area_path=STREET_A))
        assert not scope.covers_worker(visitor(area_path=STREET_B))

    def test_visitors_and_coordinators_are_filed_under_their_street(self) -> None:
        assert filing_path(visitor()) == STREET_A
        assert scope_of(visitor()).home_path == ROOT_PATH  # a place to file under, granting nothing


def caller(role: Role) -> Caller:
    return Caller(worker_id=1, account="x", role=role, scope=Scope(()))


@pytest.mark.parametrize(
    ("check", "allowed"),
    [
        (require_field_worker, {Role.GRID_WORKER, Role.VISITOR}),
        (require_people_reader, {Role.GRID_WORKER, Role.VISITOR, Role.SUPERVISOR, Role.ADMIN}),
        (require_register_reader, {Role.GRID_WORKER, Role.SUPERVISOR, Role.ADMIN}),
    ],
)
def test_who_each_role_rule_lets_in(check: Callable[[Caller], None], allowed: set[Role]) -> None:
    let_in = set()
    for role in Role:
        try:
            check(caller(role))
        except Forbidden:
            continue
        let_in.add(role)
    assert let_in == allowed


def test_only_a_visitor_sees_a_visit_projection() -> None:
    assert {r for r in Role if caller(r).sees_visit_fields_only} == {Role.VISITOR}
    assert not caller(Role.VISITOR).may_unmask
