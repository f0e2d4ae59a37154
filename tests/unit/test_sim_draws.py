"""The simulation's dice: reproducible by seed, in the proportions asked for, and producing only what a phone
or a community office could really send."""

from __future__ import annotations

import uuid
from collections import Counter
from datetime import UTC, date, datetime, timedelta

import pytest

from visitsvc.field.proof import proof_of_visit
from visitsvc.field.thresholds import FieldRules
from visitsvc.field.visit_input import Position
from visitsvc.kernel.geo import haversine_m
from visitsvc.model.enums import VisitKind
from visitsvc.model.visit import VisitOutcome
from visitsvc.register.elder_validation import normalize
from visitsvc.simulation.draws import Draws, Rates

TODAY = date(2026, 12, 3)
HOME = (120.1201, 30.2801)


def a_month_of_draws(seed: int) -> list[object]:
    draws = Draws(seed, Rates())
    made: list[object] = []
    for _ in range(200):
        made += [
            draws.sick(),
            draws.outcome(VisitKind.HOME),
            draws.outcome(VisitKind.PHONE),
            draws.client_id(),
        ]
    made.append(draws.registrations(3000, 21))
    made.append(draws.new_elder("330106001001001", today=TODAY, neighbour=HOME, address="桂花苑3幢"))
    return made


def test_same_seed_same_draws() -> None:
    assert a_month_of_draws(7) == a_month_of_draws(7)


def test_another_seed_other_draws() -> None:
    assert a_month_of_draws(7) != a_month_of_draws(8)


def test_outcomes_come_in_the_shares_asked_for() -> None:
    rates = Rates(not_home=0.2, hospital=0.05, refused=0.1, deceased=0.01, moved_out=0.01)
    draws = Draws(1, rates)
    n = 40_000
    home = Counter(draws.outcome(VisitKind.HOME) for _ in range(n))
    assert home[VisitOutcome.NOT_HOME] / n == pytest.approx(0.2, abs=0.01)
    assert home[VisitOutcome.REFUSED] / n == pytest.approx(0.1, abs=0.01)
    assert home[VisitOutcome.HOSPITALIZED] / n == pytest.approx(0.05, abs=0.005)
    assert home[VisitOutcome.DECEASED] / n == pytest.approx(0.01, abs=0.003)
    assert home[VisitOutcome.MOVED_OUT] / n == pytest.approx(0.01, abs=0.003)
    assert home[VisitOutcome.VISITED] / n == pytest.approx(0.63, abs=0.01)
    assert home[VisitOutcome.UNREACHABLE] == 0


def test_a_phone_visit_is_unanswered_never_not_at_home_or_refused() -> None:
    draws = Draws(1, Rates(not_home=0.3, refused=0.5, answer=0.7))
    phone = Counter(draws.outcome(VisitKind.PHONE) for _ in range(10_000))
    assert phone[VisitOutcome.UNREACHABLE] / 10_000 == pytest.approx(0.3, abs=0.015)
    assert not phone[VisitOutcome.NOT_HOME]
    assert not phone[VisitOutcome.REFUSED]


def test_no_disruption_means_every_visit_succeeds() -> None:
    calm = Rates(
        not_home=0, not_home_agreed=0, answer=1, sick=0, new=0, hospital=0, refused=0, deceased=0,
        moved_out=0, offline=0,
    )  # fmt: skip
    draws = Draws(3, calm)
    assert {draws.outcome(k) for k in (VisitKind.HOME, VisitKind.PHONE) for _ in range(1000)} == {
        VisitOutcome.VISITED
    }
    assert not any(draws.sick() for _ in range(1000))
    assert draws.registrations(3000, 21) == 0


def test_nobody_home_is_rarer_at_an_agreed_time() -> None:
    draws = Draws(4, Rates(not_home=0.15, not_home_agreed=0.03))
    n = 20_000
    agreed = Counter(draws.outcome(VisitKind.HOME, agreed=True) for _ in range(n))
    unannounced = Counter(draws.outcome(VisitKind.HOME) for _ in range(n))
    assert agreed[VisitOutcome.NOT_HOME] / n == pytest.approx(0.03, abs=0.005)
    assert unannounced[VisitOutcome.NOT_HOME] / n == pytest.approx(0.15, abs=0.01)


def test_registrations_over_a_month_are_the_new_share_of_the_register() -> None:
    draws = Draws(5, Rates(new=0.01))
    months = [sum(draws.registrations(3000, 21) for _ in range(21)) for _ in range(40)]
    assert sum(months) / len(months) == pytest.approx(30, rel=0.15)


def test_client_ids_are_distinct_uuid4() -> None:
    draws = Draws(9, Rates())
    ids = [draws.client_id() for _ in range(1000)]
    assert len(set(ids)) == 1000
    assert all(uuid.UUID(i).version == 4 for i in ids)


def test_a_fix_at_the_door_passes_proof_of_visit() -> None:
    draws = Draws(11, Rates())
    rules = FieldRules()
    start = datetime(2026, 12, 3, 2, 0, tzinfo=UTC)
    for _ in range(500):
        fix = draws.fix_near(*HOME)
        assert haversine_m(*HOME, fix.lon, fix.lat) <= 25.5
        minutes = draws.minutes_on_site(VisitKind.HOME, VisitOutcome.VISITED)
        proof = proof_of_visit(
            kind=VisitKind.HOME, outcome=VisitOutcome.VISITED, started_at=start,
            ended_at=start + timedelta(minutes=minutes), position=Position(fix.lon, fix.lat, fix.accuracy_m),
            home=HOME, home_verified=True, rules=rules,
        )  # fmt: skip
        assert proof.flags == ()


def test_newcomers_pass_the_register_rules() -> None:
    draws = Draws(13, Rates())
    for _ in range(300):
        data = draws.new_elder("330106001001001", today=TODAY, neighbour=HOME, address="桂花苑3幢")
        clean, errors = normalize(data, today=TODAY)
        assert not errors, errors
        assert haversine_m(*HOME, clean.lon or 0, clean.lat or 0) <= 151
        assert data.id_number.startswith("330106")


def test_rates_outside_zero_to_one_are_named() -> None:
    assert Rates(not_home=1.5, sick=-0.1).errors().keys() == {"not_home", "sick"}
    assert Rates().errors() == {}


def test_a_stay_found_at_a_visit_began_after_the_person_was_last_seen() -> None:
    draws = Draws(5, Rates())
    seen_after, found = date(2026, 12, 8), date(2026, 12, 14)
    began = Counter(draws.began(seen_after, found) for _ in range(700))
    assert set(began) == {seen_after + timedelta(days=n) for n in range(7)}
    assert min(began.values()) > 50  # every day alike
    assert draws.began(found, found) == found
    assert draws.began(found + timedelta(days=1), found) == found
