"""What a planning run answers: the version it made or found current, in the figures a CLI, an API call or
the scheduler reports."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from visitsvc.infrastructure.uow import UnitOfWork


@dataclass
class PlanOutcome:
    version: int
    version_id: int
    created: bool
    month: str
    planned_visits: int
    moved_to_other_workers: int
    substituted_phone: dict[str, int]
    unplanned: list[dict[str, Any]]
    seconds: float
    calendar_warning: str | None = None
    grids: dict[str, dict[str, int]] = field(default_factory=dict)
    # Of the substituted, high-risk people's weekly home visits made calls (per grid; ADR 0026).
    weekly_calls: dict[str, int] = field(default_factory=dict)
    guard_hit: list[int] = field(default_factory=list)  # workers whose solve hit its guard (docs/adr/0024)
    # Paired people's visits their visitor could not make, back with the grid's worker, by cause (ADR 0029).
    handed_back: dict[str, int] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "planned_visits": self.planned_visits,
            "moved_to_other_workers": self.moved_to_other_workers,
            "substituted_phone": self.substituted_phone,
            "weekly_home_to_calls": self.weekly_calls,
            "unplanned": self.unplanned,
            "seconds": self.seconds,
            "guard_hit": self.guard_hit,
            "handed_back": self.handed_back,
        }


def outcome_of(uow: UnitOfWork, version_id: int, *, created: bool, seconds: float) -> PlanOutcome:
    with uow:
        version = uow.plans.get(version_id)
        unplanned = uow.plans.unplanned(version.id)
        codes = {a.id: a.code for a in uow.areas.by_ids({u.grid_id for u in unplanned})}
        grids: dict[str, dict[str, int]] = dict(version.summary.get("grids", {}))
        return PlanOutcome(
            version=version.number,
            version_id=version.id,
            created=created,
            month=version.month,
            planned_visits=version.planned_count,
            moved_to_other_workers=int(version.summary.get("moved", 0)),
            substituted_phone={code: c["substituted"] for code, c in grids.items() if c.get("substituted")},
            unplanned=[
                {"elder_id": u.elder_id, "grid": codes[u.grid_id], "reason": u.reason} for u in unplanned
            ],
            seconds=round(seconds, 1),
            calendar_warning=version.calendar_warning,
            grids=grids,
            weekly_calls={code: c["weekly_calls"] for code, c in grids.items() if c.get("weekly_calls")},
            guard_hit=list(version.summary.get("guard_hit", [])),
            handed_back=dict(version.summary.get("handed_back", {})),
        )
