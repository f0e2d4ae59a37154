"""What a simulated month proves: its coverage as the coverage service counts it, and what happened.

Pure: built from the service's answers, so the simulation and the API can never count differently.
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from visitsvc.kernel.month import Month
from visitsvc.model.enums import VisitKind
from visitsvc.model.visit import VisitOutcome
from visitsvc.planning.coverage import Attempt, Missing
from visitsvc.planning.month_coverage import MonthCoverage, PersonCoverage

FAILED = frozenset({VisitOutcome.NOT_HOME, VisitOutcome.REFUSED, VisitOutcome.UNREACHABLE})
LATE_EVENTS = frozenset({VisitOutcome.HOSPITALIZED, VisitOutcome.DECEASED, VisitOutcome.MOVED_OUT})


def explained(
    *,
    reason: str,
    grid_short_on_planning_day: bool,
    tries: Sequence[Attempt],
    allowed_days: Sequence[date],
    left_on: date | None,
) -> bool:
    """A miss the issue's acceptance allows (issue 17, "Every miss explained"), any of:

    - every working day its window allowed after its first planned date was tried, and the last try was a
      call that failed (the call after the last empty doorstep reached nobody);
    - a miss by definition: a late event (in hospital, dead, moved out: the register's change or a visit
      that found it) on or after a failed try, before the next try could settle it;
    - `capacity` in a grid already short on planning day.
    """
    if reason == Missing.CAPACITY.value and grid_short_on_planning_day:
        return True
    failed = [t.day for t in tries if t.outcome in FAILED]
    events = [t.day for t in tries if t.outcome in LATE_EVENTS] + ([left_on] if left_on is not None else [])
    if failed and any(event >= failed[0] for event in events):
        return True
    if not allowed_days or not tries:
        return False
    tried = {t.day for t in tries}
    last = tries[-1]
    return (
        all(day in tried for day in allowed_days)
        and last.kind is VisitKind.PHONE
        and last.outcome is VisitOutcome.UNREACHABLE
        and last.day >= allowed_days[-1]
    )


@dataclass(frozen=True, slots=True)
class Events:
    """Counts of what the month threw at the register, for the operator (not part of --json)."""

    outcomes: dict[str, int] = field(default_factory=dict)  # "home:not_home" -> n
    # phone fallbacks after a refusal, same-day calls to high-risk people not found, calls at once after a
    # last-chance empty doorstep
    follow_on_calls: int = 0
    sick_days: int = 0
    registrations: int = 0
    confirmed: dict[str, int] = field(default_factory=dict)  # status -> confirmed proposals
    discharges: int = 0
    replans: int = 0
    synced: int = 0  # records sent in an evening sync rather than at the door
    calls_ahead: int = 0  # the evening's calls for the next working day's home visits
    appointments: int = 0  # of them: a time agreed
    appointments_on_another_day: int = 0  # of those: the person named the working day after
    calls_ahead_unanswered: int = 0


@dataclass(frozen=True, slots=True)
class Report:
    month: Month
    coverable: int
    covered: int
    coverage_pct: float
    not_covered: list[dict[str, Any]]
    not_coverable: dict[str, int]
    home_visits: dict[str, int]  # owed, at_home, by_call_after_empty_doorstep
    shortfall_on_planning_day: list[dict[str, Any]]
    replan_seconds: list[float]
    travel_minutes: int
    events: Events
    # Solves stopped by their wall-clock guard (docs/adr/0024): {"run": "planning_day" or the re-plan's
    # `today`, "workers": [...]}, one entry per run that had any. Empty when the month is reproducible.
    guard_hit: list[dict[str, Any]] = field(default_factory=list)
    remedies: list[str] = field(default_factory=list)  # options applied on planning day (issue 20)
    # Mixed teams (docs/adr/0029): paired people's visits planned back to the grid's workers, by cause, and
    # what visitors recorded, by kind and outcome.
    handed_back: dict[str, int] = field(default_factory=dict)
    by_visitors: dict[str, int] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        seconds = self.replan_seconds or [0.0]
        return {
            "month": str(self.month),
            "coverable": self.coverable,
            "covered": self.covered,
            "coverage_pct": self.coverage_pct,
            "not_covered": self.not_covered,
            "not_coverable": self.not_coverable,
            "home_visits": self.home_visits,
            "shortfall_on_planning_day": self.shortfall_on_planning_day,
            "replan_seconds": {"p50": round(statistics.median(seconds), 2), "max": round(max(seconds), 2)},
            "travel_hours": round(self.travel_minutes / 60, 1),
            "calls_ahead": {
                "called": self.events.calls_ahead,
                "agreed": self.events.appointments,
                "on_another_day": self.events.appointments_on_another_day,
                "unanswered": self.events.calls_ahead_unanswered,
            },
            "guard_hit": self.guard_hit,
            "remedies": self.remedies,
            "handed_back": self.handed_back,
            "by_visitors": self.by_visitors,
        }

    def unexplained(self) -> list[dict[str, Any]]:
        """The misses the issue's acceptance does not allow (`explained`)."""
        return [miss for miss in self.not_covered if not miss["explained"]]


def build_report(
    coverage: MonthCoverage,
    shortfall: dict[str, Any] | None,
    *,
    replan_seconds: list[float],
    travel_minutes: int,
    events: Events,
    guard_hit: list[dict[str, Any]] | None = None,
    remedies: list[str] | None = None,
    by_visitors: dict[str, int] | None = None,
) -> Report:
    tally = coverage.tally()
    short = [
        {"grid": g["grid"], "unplanned": g["unplanned"]}
        for g in (shortfall or {}).get("grids", [])
        if g.get("unplanned")
    ]
    short_grids = {g["grid"] for g in short}
    on_planning_day = (shortfall or {}).get("guard_hit") or []
    hits = [{"run": "planning_day", "workers": list(on_planning_day)}] if on_planning_day else []
    hits += guard_hit or []
    not_covered = [
        _miss_entry(p, short_grids) for p in sorted(coverage.not_covered(), key=lambda p: p.elder_id)
    ]
    return Report(
        month=coverage.month,
        coverable=tally.coverable,
        covered=tally.covered,
        coverage_pct=tally.coverage_pct,
        not_covered=not_covered,
        not_coverable=dict(sorted(tally.not_coverable_by_reason.items())),
        home_visits=tally.home_visits(),
        shortfall_on_planning_day=short,
        replan_seconds=list(replan_seconds),
        travel_minutes=travel_minutes,
        events=events,
        guard_hit=hits,
        remedies=list(remedies or []),
        handed_back=dict((shortfall or {}).get("handed_back", {})),
        by_visitors=dict(sorted((by_visitors or {}).items())),
    )


def _miss_entry(person: PersonCoverage, short_grids: set[str]) -> dict[str, Any]:
    reason = (person.result.missing or Missing.MISSED).value
    miss = person.result.miss
    tries = list(miss.tries) if miss else []
    allowed = list(miss.allowed_days) if miss else []
    return {
        "elder_id": person.elder_id,
        "grid": person.grid_code,
        "reason": reason,
        "tries": [
            {"date": t.day.isoformat(), "kind": t.kind.value, "outcome": t.outcome.value} for t in tries
        ],
        "allowed_days": [d.isoformat() for d in allowed],
        "explained": explained(
            reason=reason,
            grid_short_on_planning_day=person.grid_code in short_grids,
            tries=tries,
            allowed_days=allowed,
            left_on=miss.left_on if miss else None,
        ),
    }


def describe(report: Report) -> list[str]:
    """The report for a terminal, in the operators' language."""
    data = report.as_json()
    lines = [
        f"{data['month']} 模拟：应探访 {data['coverable']} 人，已覆盖 {data['covered']} 人，"
        f"探访率 {data['coverage_pct']}%",
    ]
    if data["not_coverable"]:
        lines.append("  不计入：" + "，".join(f"{k} {v}" for k, v in data["not_coverable"].items()))
    misses = Counter(m["reason"] for m in report.not_covered)
    if misses:
        lines.append("  未覆盖：" + "，".join(f"{k} {v}" for k, v in sorted(misses.items())))
    home = data["home_visits"]
    lines.append(
        f"  上门探访：应上门 {home['owed']} 次，上门见到 {home['at_home']} 次，"
        f"上门未遇、当天电话探访 {home['by_call_after_empty_doorstep']} 次"
    )
    if report.shortfall_on_planning_day:
        lines.append(
            "  规划日缺口："
            + "，".join(f"{g['grid']} {g['unplanned']}" for g in report.shortfall_on_planning_day)
        )
    if report.handed_back or report.by_visitors:
        made = sum(n for k, n in report.by_visitors.items() if k.endswith(":visited"))
        lines.append(
            f"  结对探访：探访人员记录 {sum(report.by_visitors.values())} 次（见到 {made} 次）；"
            + "退回网格员 "
            + ("，".join(f"{k} {v}" for k, v in report.handed_back.items()) or "0")
        )
    e = report.events
    seconds = data["replan_seconds"]
    lines.append(
        f"  病假 {e.sick_days} 天，新登记 {e.registrations} 人，出院 {e.discharges} 人，"
        f"重新规划 {e.replans} 次（中位 {seconds['p50']} s，最长 {seconds['max']} s），"
        f"路上 {data['travel_hours']} 小时"
    )
    lines.append(
        f"  提前电话预约 {e.calls_ahead} 次：约定 {e.appointments} 次（其中改约次一工作日 "
        f"{e.appointments_on_another_day} 次），未接通 {e.calls_ahead_unanswered} 次"
    )
    lines.append("  结果：" + "，".join(f"{k} {v}" for k, v in sorted(e.outcomes.items())))
    for hit in report.guard_hit:
        workers = "，".join(map(str, hit["workers"]))
        lines.append(f"  求解超出时限保护（{hit['run']}）：人员 {workers}，其路线为届时找到的最佳方案")
    unexplained = report.unexplained()
    verdict = "通过" if not unexplained else f"未通过：{len(unexplained)} 人的缺失无法解释"
    lines.append(
        "  验收（每个未覆盖都有解释：窗口内每个工作日都已尝试且最后的电话未接通、尝试失败后住院/去世/迁出，"
        f"或规划日已知的人手不足）：{verdict}"
    )
    return lines
