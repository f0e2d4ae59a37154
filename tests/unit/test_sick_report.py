"""The sick report's small rules: when an absence re-plans today, and what a phone is told of the re-plan."""

from __future__ import annotations

from datetime import UTC, date, datetime

from visitsvc.field.sick_report import ReplanSummary
from visitsvc.kernel.errors import Conflict, NotFound
from visitsvc.model import AbsenceKind
from visitsvc.planning.replanning import ReplanOutcome
from visitsvc.register.absences import AbsenceRead

TODAY = date(2026, 12, 10)


def absence(first_day: date, last_day: date) -> AbsenceRead:
    return AbsenceRead(1, 4, first_day, last_day, AbsenceKind.SICK, None, datetime(2026, 12, 10, tzinfo=UTC))


def test_an_absence_re_plans_today_only_when_today_lies_within_it() -> None:
    assert absence(TODAY, TODAY).covers(TODAY)
    assert absence(date(2026, 12, 8), date(2026, 12, 11)).covers(TODAY), "a sick week reported late"
    assert not absence(date(2026, 12, 11), date(2026, 12, 14)).covers(TODAY), "tomorrow: the nightly run"
    assert not absence(date(2026, 12, 1), date(2026, 12, 9)).covers(TODAY), "over by today"


def test_a_re_plan_is_told_by_its_version_and_what_moved() -> None:
    outcome = ReplanOutcome(
        month="2026-12", today=TODAY, version=3, version_id=17, created=True, workers=2, moved=4, added=1,
        removed=0, to_colleagues=1, unplanned=[], seconds=0.4,
    )  # fmt: skip
    assert ReplanSummary.of(outcome) == ReplanSummary(True, 3, True, 4, 1, None, None)


def test_a_refused_re_plan_says_why_and_that_the_nightly_run_will_do_it() -> None:
    running = ReplanSummary.deferred(Conflict("本月计划正在生成，请稍后重试", code="plan_running"))
    assert (running.done, running.version, running.created, running.moved) == (False, None, False, 0)
    assert running.refused == "plan_running"
    assert running.message is not None
    assert running.message.startswith("本月计划正在生成")
    assert running.message.endswith("今晚的重新规划会处理")
    assert ReplanSummary.deferred(NotFound("该月尚无计划")).refused == "not_found"
