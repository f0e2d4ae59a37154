"""What an outcome sets in motion, and what counts as "the same body"."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from visitsvc.field.outcomes import (
    NOT_FOUND_LAST_CHANCE,
    NOT_HOME_HIGH_RISK,
    Advice,
    DoorstepContext,
    advice_for,
    check_answered_by,
    consequences,
)
from visitsvc.field.visit_input import (
    AnsweredBy,
    Finding,
    FindingArea,
    FindingStatus,
    FollowUpRequest,
    Position,
    VisitInput,
)
from visitsvc.model import ElderStatus, VisitKind, VisitOutcome

START = datetime(2026, 11, 25, 9, 0, tzinfo=timezone(timedelta(hours=8)))


def visit(**changes: object) -> VisitInput:
    values: dict[str, object] = {
        "client_id": "00000000-0000-4000-8000-000000000001",
        "kind": VisitKind.HOME,
        "outcome": VisitOutcome.VISITED,
        "started_at": START,
        "ended_at": START + timedelta(minutes=20),
        "elder_id": 7,
    }
    values.update(changes)
    return VisitInput(**values)  # type: ignore[arg-type]


def test_a_visit_with_everything_fine_sets_nothing_in_motion() -> None:
    fine = {area: Finding(FindingStatus.OK) for area in FindingArea}
    assert consequences(visit(findings=fine), high_risk=True).follow_ups == ()


def test_a_concern_opens_a_follow_up_with_its_note() -> None:
    found = visit(findings={FindingArea.SAFETY: Finding(FindingStatus.CONCERN, "燃气灶无熄火保护")})
    (follow_up,) = consequences(found, high_risk=False).follow_ups
    assert (follow_up.kind, follow_up.note, follow_up.urgent) == ("concern:safety", "燃气灶无熄火保护", False)


def test_an_urgent_finding_goes_to_the_top_of_the_queue() -> None:
    found = visit(
        findings={
            FindingArea.DAILY_CARE: Finding(FindingStatus.CONCERN, "冰箱空了"),
            FindingArea.SAFETY: Finding(FindingStatus.CONCERN, "昨晚摔倒", urgent=True),
        },
        follow_up=FollowUpRequest(needed=True, kind="repair", note="门锁坏了"),
    )
    kinds = [(f.kind, f.urgent) for f in consequences(found, high_risk=False).follow_ups]
    assert kinds == [("urgent:safety", True), ("concern:daily_care", False), ("requested:repair", False)]


def test_marking_urgent_is_enough_even_with_status_ok() -> None:
    found = visit(findings={FindingArea.RIGHTS: Finding(FindingStatus.OK, "疑似被骗", urgent=True)})
    assert [f.kind for f in consequences(found, high_risk=False).follow_ups] == ["urgent:rights"]


def test_not_home_of_a_high_risk_person_asks_for_a_call_the_same_day() -> None:
    result = consequences(visit(outcome=VisitOutcome.NOT_HOME), high_risk=True)
    assert [f.kind for f in result.follow_ups] == [NOT_HOME_HIGH_RISK]
    assert result.advice == (Advice.PHONE_SAME_DAY,)


def test_not_home_of_anyone_else_is_left_to_re_planning() -> None:
    result = consequences(visit(outcome=VisitOutcome.NOT_HOME), high_risk=False)
    assert (result.follow_ups, result.advice, result.proposed_status) == ((), (), None)


@pytest.mark.parametrize(
    ("outcome", "status"),
    [
        (VisitOutcome.HOSPITALIZED, ElderStatus.HOSPITALIZED),
        (VisitOutcome.DECEASED, ElderStatus.DECEASED),
        (VisitOutcome.MOVED_OUT, ElderStatus.MOVED_OUT),
    ],
)
def test_a_changed_situation_is_proposed_never_applied(outcome: VisitOutcome, status: ElderStatus) -> None:
    assert consequences(visit(outcome=outcome), high_risk=False).proposed_status is status


def test_refused_at_the_door_offers_the_phone_fallback() -> None:
    refused = visit(outcome=VisitOutcome.REFUSED)
    assert consequences(refused, high_risk=False).advice == (Advice.PHONE_FALLBACK,)
    refused_call = visit(outcome=VisitOutcome.REFUSED, kind=VisitKind.PHONE)
    assert consequences(refused_call, high_risk=False).advice == ()


def test_the_same_body_hashes_the_same_whatever_offset_the_phone_used() -> None:
    shanghai = visit(location=Position(120.1, 30.2, 8.0))
    in_utc = visit(
        started_at=START.astimezone(UTC),
        ended_at=(START + timedelta(minutes=20)).astimezone(UTC),
        location=Position(120.1, 30.2, 8.0),
    )
    assert shanghai.body_hash() == in_utc.body_hash()
    assert shanghai.body_hash() != visit(location=Position(120.1, 30.2, 9.0)).body_hash()
    assert visit().body_hash() == visit(client_id="another").body_hash(), "the key is not part of the body"


LAST_CHANCE = DoorstepContext(last_chance=True)
AFTER_EMPTY_DOORSTEP = DoorstepContext(after_empty_doorstep=True)


def test_nobody_home_at_a_last_chance_stop_is_answered_call_now() -> None:
    done = consequences(visit(outcome=VisitOutcome.NOT_HOME), high_risk=False, context=LAST_CHANCE)
    assert done.advice == (Advice.CALL_NOW,)
    earlier = consequences(visit(outcome=VisitOutcome.NOT_HOME), high_risk=False)
    assert Advice.CALL_NOW not in earlier.advice


def test_call_now_is_derived_from_the_stored_mark_as_on_the_first_answer() -> None:
    assert advice_for(VisitOutcome.NOT_HOME, VisitKind.HOME, [], last_chance=True) == (Advice.CALL_NOW,)
    assert advice_for(VisitOutcome.NOT_HOME, VisitKind.HOME, []) == ()


def test_a_call_nobody_answers_after_the_last_empty_doorstep_is_urgent() -> None:
    call = visit(kind=VisitKind.PHONE, outcome=VisitOutcome.UNREACHABLE)
    (follow_up,) = consequences(call, high_risk=False, context=AFTER_EMPTY_DOORSTEP).follow_ups
    assert (follow_up.kind, follow_up.urgent) == (NOT_FOUND_LAST_CHANCE, True)
    assert follow_up.note is not None
    assert "紧急联系人" in follow_up.note
    assert consequences(call, high_risk=False).follow_ups == ()  # an ordinary call nobody answered


def test_who_answered_is_required_after_an_empty_doorstep_and_only_for_a_call_that_got_through() -> None:
    call = visit(kind=VisitKind.PHONE)
    assert "answered_by" in check_answered_by(call, AFTER_EMPTY_DOORSTEP)
    assert (
        check_answered_by(visit(kind=VisitKind.PHONE, answered_by=AnsweredBy.FAMILY), AFTER_EMPTY_DOORSTEP)
        == {}
    )
    assert check_answered_by(call, DoorstepContext()) == {}
    assert "answered_by" in check_answered_by(visit(answered_by=AnsweredBy.SELF), DoorstepContext())


def test_who_answered_is_part_of_the_body_only_when_given() -> None:
    assert "answered_by" not in visit().canonical()  # records stored before it keep their digest
    told = visit(kind=VisitKind.PHONE, answered_by=AnsweredBy.SELF)
    assert told.canonical()["answered_by"] == "self"
    assert told.body_hash() != visit(kind=VisitKind.PHONE).body_hash()
