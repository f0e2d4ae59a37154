"""What a simulated month proves: its coverage as the coverage service counts it, and what happened.

Pure: built from the service's answers, so the simulation and the API can never count differently.
"""

from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from visitsvc.kernel.month import Month
from visitsvc.planning.coverage import Missing
from visitsvc.planning.month_coverage import MonthCoverage


@dataclass(frozen=True, slots=True)
class Events:
    """Counts of what the month threw at the register, for the operator (not part of --json)."""

    outcomes: dict[str, int] = field(default_factory=dict)  # "home:not_home" -> n
    follow_on_calls: int = 0  # phone fallbacks after a refusal, same-day calls to high-risk people not found
    sick_days: int = 0
    registrations: int = 0
    confirmed: dict[str, int] = field(default_factory=dict)  # status -> confirmed proposals
    discharges: int = 0
    replans: int = 0
    synced: int = 0  # records sent in an evening sync rather than at the door


@dataclass(frozen=True, slots=True)
class Report:
    month: Month
    coverable: int
    covered: int
    coverage_pct: float
    not_covered: list[dict[str, Any]]
    not_coverable: dict[str, int]
    shortfall_on_planning_day: list[dict[str, Any]]
    replan_seconds: list[float]
    travel_minutes: int
    events: Events

    def as_json(self) -> dict[str, Any]:
        seconds = self.replan_seconds or [0.0]
        return {
            "month": str(self.month),
            "coverable": self.coverable,
            "covered": self.covered,
            "coverage_pct": self.coverage_pct,
            "not_covered": self.not_covered,
            "not_coverable": self.not_coverable,
            "shortfall_on_planning_day": self.shortfall_on_planning_day,
            "replan_seconds": {"p50": round(statistics.median(seconds), 2), "max": round(max(seconds), 2)},
            "travel_hours": round(self.travel_minutes / 60, 1),
        }

    def unexplained(self) -> list[dict[str, Any]]:
        """The misses the issue's acceptance does not allow: anything but `capacity` in a grid that was
        already short on planning day."""
        short = {g["grid"] for g in self.shortfall_on_planning_day}
        return [
            miss
            for miss in self.not_covered
            if not (miss["reason"] == Missing.CAPACITY.value and miss["grid"] in short)
        ]


def build_report(
    coverage: MonthCoverage,
    shortfall: dict[str, Any] | None,
    *,
    replan_seconds: list[float],
    travel_minutes: int,
    events: Events,
) -> Report:
    tally = coverage.tally()
    not_covered = [
        {
            "elder_id": p.elder_id,
            "grid": p.grid_code,
            "reason": (p.result.missing or Missing.MISSED).value,
        }
        for p in sorted(coverage.not_covered(), key=lambda p: p.elder_id)
    ]
    short = [
        {"grid": g["grid"], "unplanned": g["unplanned"]}
        for g in (shortfall or {}).get("grids", [])
        if g.get("unplanned")
    ]
    return Report(
        month=coverage.month,
        coverable=tally.coverable,
        covered=tally.covered,
        coverage_pct=tally.coverage_pct,
        not_covered=not_covered,
        not_coverable=dict(sorted(tally.not_coverable_by_reason.items())),
        shortfall_on_planning_day=short,
        replan_seconds=list(replan_seconds),
        travel_minutes=travel_minutes,
        events=events,
    )


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
    if report.shortfall_on_planning_day:
        lines.append(
            "  规划日缺口："
            + "，".join(f"{g['grid']} {g['unplanned']}" for g in report.shortfall_on_planning_day)
        )
    e = report.events
    seconds = data["replan_seconds"]
    lines.append(
        f"  病假 {e.sick_days} 天，新登记 {e.registrations} 人，出院 {e.discharges} 人，"
        f"重新规划 {e.replans} 次（中位 {seconds['p50']} s，最长 {seconds['max']} s），"
        f"路上 {data['travel_hours']} 小时"
    )
    lines.append("  结果：" + "，".join(f"{k} {v}" for k, v in sorted(e.outcomes.items())))
    unexplained = report.unexplained()
    verdict = "通过" if not unexplained else f"未通过：{len(unexplained)} 人的缺失不是规划日已知的人手不足"
    lines.append(f"  验收（100% 或仅规划日已知的人手不足）：{verdict}")
    return lines
