"""Which owed visits a pairing gives to a visitor and which come back to the grid's worker (docs/adr/0029)."""

from __future__ import annotations

from collections import Counter
from datetime import date, time

from visitsvc.model import TravelMode, VisitKind
from visitsvc.planning.pairings import HandBack, PairingTerm, Partners, Visitor, days_of, route_paired
from visitsvc.planning.policy import Owed, Rule
from visitsvc.planning.route_problems import Home, WorkerFacts

DECEMBER = [date(2026, 12, d) for d in range(1, 32)]
WORKDAYS = [d for d in DECEMBER if d.isoweekday() <= 5]


def monthly(elder: int) -> Owed:
    return Owed(elder, VisitKind.HOME, date(2026, 12, 1), date(2026, 12, 31), Rule.MONTHLY_HOME, "month")


def a_visitor(
    worker_id: int, start: tuple[float, float], organisation: int | None = 7, **kw: object
) -> Visitor:
    facts = WorkerFacts(worker_id, TravelMode.EBIKE, start, time(8, 30), time(17, 30), 240, visitor=True)
    return Visitor(facts, organisation, tuple(WORKDAYS), **kw)  # type: ignore[arg-type]


def home(elder: int, lon: float) -> Home:
    return Home(elder, 1, lon, 30.28)


def by_organisation(elder: int, contract: int | None = None) -> PairingTerm:
    return PairingTerm(elder, elder, None, 7, contract, date(2026, 11, 1), None)


def test_an_organisations_people_go_to_its_nearest_visitor_with_room_an_even_share_each() -> None:
    # Visitor 1 starts among all four homes, visitor 2 far east: each still gets two people.
    partners = Partners(
        {1: a_visitor(1, (120.10, 30.28)), 2: a_visitor(2, (120.50, 30.28))},
        tuple(by_organisation(e) for e in (11, 12, 13, 14)),
    )
    homes = {e: home(e, 120.10 + 0.01 * i) for i, e in enumerate((11, 12, 13, 14))}

    own, routed = route_paired([monthly(e) for e in homes], partners, homes)

    assert own == []
    assert {v: sorted(o.elder_id for o in owed) for v, owed in routed.by_visitor.items()} == {
        1: [11, 12],
        2: [13, 14],
    }


def test_unpaired_people_stay_in_order_and_paired_ones_come_back_with_their_cause() -> None:
    away = frozenset(WORKDAYS)
    partners = Partners(
        {1: a_visitor(1, (120.1, 30.28), away=away), 2: a_visitor(2, (120.1, 30.28), organisation=8)},
        (
            PairingTerm(1, 21, 1, None, None, date(2026, 11, 1), None),  # their visitor is away all month
            PairingTerm(2, 22, 3, None, None, date(2026, 11, 1), None),  # their visitor left
            PairingTerm(3, 23, 2, None, 5, date(2026, 11, 1), None),  # under a contract with one visit left
            PairingTerm(4, 24, 2, None, 5, date(2026, 11, 1), None),
        ),
        {5: 1},
    )
    homes = {e: home(e, 120.1) for e in (20, 21, 22, 23, 24)}
    owed = [monthly(e) for e in (24, 20, 23, 22, 21)]

    own, routed = route_paired(owed, partners, homes)

    assert own == [monthly(20)]
    assert Counter(r.cause for r in routed.handed_back) == {
        HandBack.VISITOR_ABSENT: 1, HandBack.NO_VISITOR: 1, HandBack.QUOTA: 1,
    }  # fmt: skip
    # The quota goes in order of windows, then of people: 23 before 24.
    assert [o.elder_id for o in routed.by_visitor[2]] == [23]


def test_a_pairing_cuts_the_visits_window_to_its_days_and_weekdays_choose_the_visitors_days() -> None:
    saturdays = days_of(frozenset({6}), DECEMBER, WORKDAYS)
    assert saturdays == (date(2026, 12, 5), date(2026, 12, 12), date(2026, 12, 19), date(2026, 12, 26))
    assert days_of(None, DECEMBER, WORKDAYS) == tuple(WORKDAYS)
    partners = Partners(
        {1: a_visitor(1, (120.1, 30.28))}, (PairingTerm(1, 31, 1, None, None, date(2026, 12, 14), None),)
    )

    _, routed = route_paired([monthly(31)], partners, {31: home(31, 120.1)})

    (cut,) = routed.by_visitor[1]
    assert (cut.earliest, cut.latest) == (date(2026, 12, 14), date(2026, 12, 31))
