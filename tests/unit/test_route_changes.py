"""What a phone is told changed in its day: stops followed across plan versions by the owed visit they settle,
since every version gives each stop a new visit_id."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time

from visitsvc.field.route_changes import MovedStop, RouteChanges, compare, in_route_order
from visitsvc.model import VisitKind

HOME, PHONE = VisitKind.HOME, VisitKind.PHONE


@dataclass(frozen=True)
class Row:
    id: int
    elder_id: int
    seq: int
    arrival: time | None = None
    kind: VisitKind = HOME
    obligation: str = "month"


def day(version: int, *people: int, kinds: dict[int, VisitKind] | None = None) -> list[Row]:
    """A day of `people` in this order, ids unique to the version (100 * version + person), arriving on the
    hour from 9:00 (phone calls have no arrival)."""
    kinds = kinds or {}
    return [
        Row(
            id=100 * version + person,
            elder_id=person,
            seq=seq,
            arrival=None if kinds.get(person) is PHONE else time(8 + seq),
            kind=kinds.get(person, HOME),
        )
        for seq, person in enumerate(people, start=1)
    ]


def test_the_same_day_in_a_new_version_has_no_changes_although_every_visit_id_is_new() -> None:
    assert compare(1, day(1, 1, 2, 3), day(2, 1, 2, 3)) == RouteChanges(1, [], [], [])


def test_a_stop_the_old_day_lacks_is_added_and_one_the_new_day_lacks_is_removed_by_each_sides_ids() -> None:
    changes = compare(1, day(1, 1, 2), [*day(2, 1), Row(id=203, elder_id=3, seq=2, arrival=time(10))])
    assert (changes.added, changes.removed, changes.moved) == ([203], [102], [])


def test_the_same_person_for_another_obligation_is_another_stop() -> None:
    before = day(1, 1)
    after = [Row(id=201, elder_id=1, seq=1, arrival=time(9), obligation="week-2026-12-14")]
    changes = compare(1, before, after)
    assert (changes.added, changes.removed) == ([201], [101])


def test_a_stop_at_another_time_is_moved_with_where_it_was() -> None:
    after = [Row(id=201, elder_id=1, seq=1, arrival=time(14))]
    assert compare(1, day(1, 1), after).moved == [MovedStop(201, 101, 1, time(9), HOME)]


def test_only_the_stop_taken_out_of_order_moves_not_the_ones_that_kept_theirs() -> None:
    before = day(1, 1, 2, 3, 4)
    after = [  # 4 goes first; 1, 2 and 3 keep their times and their order among themselves
        Row(id=204, elder_id=4, seq=1, arrival=time(8)),
        *(Row(id=200 + p, elder_id=p, seq=p + 1, arrival=time(8 + p)) for p in (1, 2, 3)),
    ]
    assert compare(1, before, after).moved == [MovedStop(204, 104, 4, time(12), HOME)]


def test_a_removed_stop_does_not_move_the_ones_after_it() -> None:
    before = day(1, 1, 2, 3)
    after = [
        Row(id=201, elder_id=1, seq=1, arrival=time(9)),
        Row(id=203, elder_id=3, seq=2, arrival=time(11)),
    ]
    changes = compare(1, before, after)
    assert (changes.removed, changes.moved) == ([102], []), "stop 3 is second now, at its old time"


def test_a_home_visit_turned_into_a_call_is_moved() -> None:
    after = day(2, 1, 2, kinds={2: PHONE})
    (moved,) = compare(1, day(1, 1, 2), after).moved
    assert (moved.visit_id, moved.from_kind, moved.from_arrival) == (202, HOME, time(10))


def test_two_stops_of_one_person_and_obligation_on_a_day_are_followed_one_by_one() -> None:
    before = [
        Row(id=101, elder_id=1, seq=1, arrival=time(9)),
        Row(id=102, elder_id=1, seq=2, arrival=time(15)),
    ]
    after = [Row(id=201, elder_id=1, seq=1, arrival=time(9))]
    changes = compare(1, before, after)
    assert (changes.added, changes.removed, changes.moved) == ([], [102], [])


def test_route_order_is_home_visits_by_sequence_then_calls() -> None:
    rows = [
        Row(id=3, elder_id=3, seq=1, kind=PHONE),
        Row(id=2, elder_id=2, seq=2),
        Row(id=1, elder_id=1, seq=1),
    ]
    assert [r.id for r in in_route_order(rows)] == [1, 2, 3]
