"""Proof of visit flags, never blocks."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from visitsvc.field.proof import Proof, far_limit_m, proof_of_visit
from visitsvc.field.thresholds import FieldRules
from visitsvc.field.visit_input import Position
from visitsvc.model import FlagKind, VisitKind, VisitOutcome

HOME = (120.1201, 30.2801)
START = datetime(2026, 11, 25, 1, 0, tzinfo=UTC)
RULES = FieldRules()
METRE = 1 / 111_320  # degrees of latitude per metre, near enough


def check(
    position: Position | None,
    *,
    minutes: float = 20,
    verified: bool = True,
    kind: VisitKind = VisitKind.HOME,
    outcome: VisitOutcome = VisitOutcome.VISITED,
    home: tuple[float, float] | None = HOME,
) -> Proof:
    return proof_of_visit(
        kind=kind, outcome=outcome, started_at=START, ended_at=START + timedelta(minutes=minutes),
        position=position, home=home, home_verified=verified, rules=RULES,
    )  # fmt: skip


def north_of_home(metres: float, accuracy: float | None) -> Position:
    return Position(HOME[0], HOME[1] + metres * METRE, accuracy)


def kinds(proof: Proof) -> list[FlagKind]:
    return [f.kind for f in proof.flags]


def test_a_visit_at_the_door_with_a_good_fix_is_not_flagged() -> None:
    proof = check(north_of_home(30, 10))
    assert kinds(proof) == []
    assert proof.distance_m is not None
    assert 29 < proof.distance_m < 31


def test_farther_than_200_m_is_flagged_and_the_distance_kept() -> None:
    proof = check(north_of_home(260, 20))
    assert kinds(proof) == [FlagKind.TOO_FAR]
    assert proof.flags[0].detail["limit_m"] == 200


def test_a_vague_fix_widens_the_limit_to_twice_its_accuracy() -> None:
    assert kinds(check(north_of_home(190, 90))) == []  # max(200 m, 2 x 90 m)
    assert kinds(check(north_of_home(230, 150))) == [FlagKind.POOR_ACCURACY]  # max(200 m, 2 x 150 m)
    assert kinds(check(north_of_home(320, 150))) == [FlagKind.POOR_ACCURACY, FlagKind.TOO_FAR]


def test_accuracy_worse_than_100_m_is_flagged() -> None:
    assert kinds(check(north_of_home(10, 120))) == [FlagKind.POOR_ACCURACY]


def test_less_than_3_minutes_on_site_is_flagged_for_a_visit_that_met_the_person() -> None:
    assert kinds(check(north_of_home(10, 10), minutes=2)) == [FlagKind.TOO_SHORT]
    assert kinds(check(north_of_home(10, 10), minutes=1, outcome=VisitOutcome.NOT_HOME)) == []


def test_an_unverified_home_and_a_good_fix_propose_the_location_instead_of_too_far() -> None:
    proof = check(north_of_home(800, 15), verified=False)
    assert kinds(proof) == [FlagKind.LOCATION_PROPOSED]
    assert proof.flags[0].detail["accuracy_m"] == 15
    no_home_at_all = check(Position(120.2, 30.3, 15), verified=False, home=None)
    assert (kinds(no_home_at_all), no_home_at_all.distance_m) == ([FlagKind.LOCATION_PROPOSED], None)


def test_an_unverified_home_and_a_mediocre_fix_are_judged_as_usual() -> None:
    assert kinds(check(north_of_home(800, 70), verified=False)) == [FlagKind.TOO_FAR]


def test_phone_visits_and_visits_without_a_position_have_no_location_flags() -> None:
    assert kinds(check(north_of_home(5000, 500), kind=VisitKind.PHONE, minutes=1)) == []
    assert check(None) == Proof(None, ())


# -- a visit confirming a home whose registered position is a guess ------------------------------------


def test_meeting_the_person_at_an_unverified_home_with_a_good_fix_confirms_it_and_proposes_nothing() -> None:
    proof = check(north_of_home(150, 40), verified=False)
    assert (proof.confirms_home, kinds(proof)) == (True, [])
    assert proof.distance_m is not None
    assert 149 < proof.distance_m < 151


def test_the_proof_of_visit_distance_bounds_what_a_visit_confirms() -> None:
    assert check(north_of_home(199, 50), verified=False).confirms_home
    far = check(north_of_home(210, 50), verified=False)
    assert (far.confirms_home, kinds(far)) == (False, [FlagKind.LOCATION_PROPOSED])


def test_a_fix_worse_than_50_m_confirms_nothing_even_at_the_door() -> None:
    vague = check(north_of_home(10, 51), verified=False)
    assert (vague.confirms_home, kinds(vague)) == (False, [])
    unknown = check(north_of_home(10, None), verified=False)
    assert (unknown.confirms_home, kinds(unknown)) == (False, [])


def test_only_a_home_visit_that_met_the_person_confirms_and_a_fix_that_agrees_proposes_nothing() -> None:
    for outcome in (VisitOutcome.NOT_HOME, VisitOutcome.REFUSED, VisitOutcome.MOVED_OUT):
        proof = check(north_of_home(20, 10), verified=False, outcome=outcome)
        assert (proof.confirms_home, kinds(proof)) == (False, []), outcome
        far = check(north_of_home(800, 10), verified=False, outcome=outcome)
        assert (far.confirms_home, kinds(far)) == (False, [FlagKind.LOCATION_PROPOSED]), outcome
    assert not check(north_of_home(20, 10), verified=False, kind=VisitKind.PHONE).confirms_home


def test_a_home_already_verified_or_never_located_is_not_confirmed() -> None:
    assert not check(north_of_home(20, 10), verified=True).confirms_home
    assert not check(Position(*HOME, 10), verified=False, home=None).confirms_home


def test_a_short_visit_still_confirms_where_the_home_is_and_is_flagged_as_short() -> None:
    proof = check(north_of_home(20, 10), verified=False, minutes=1)
    assert (proof.confirms_home, kinds(proof)) == (True, [FlagKind.TOO_SHORT])


def test_the_far_limit_is_200_m_or_twice_the_fix_s_accuracy() -> None:
    assert far_limit_m(10, RULES) == 200
    assert far_limit_m(None, RULES) == 200
    assert far_limit_m(150, RULES) == 300
