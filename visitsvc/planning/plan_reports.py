"""Reading plans: the versions of a month and the shortfall report of the newest one."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from visitsvc.access.scoping import ROOT_PATH, Caller, Scope, require_register_reader
from visitsvc.infrastructure.uow import UnitOfWork
from visitsvc.kernel.errors import NotFound
from visitsvc.kernel.month import Month
from visitsvc.planning.visit_ids import VisitId


@dataclass(frozen=True, slots=True)
class VersionRead:
    id: int
    month: str
    number: int
    area_path: str | None  # None: another area's re-plan, not the caller's to see
    trigger: str
    created_at: datetime
    solver_seconds: float
    planned_count: int
    unplanned_count: int
    substituted_count: int
    calendar_warning: str | None


def list_versions(uow: UnitOfWork, *, caller: Caller, month: Month) -> list[VersionRead]:
    """The month's plan versions, oldest first; the last one is current (numbers are the month's, shared by
    all areas). Each is the caller's part of it: counts of visits of their people only, and the re-planned
    subtree only when it touches their area (None when it was another area's re-plan)."""
    require_register_reader(caller)
    with uow:
        versions = uow.plans.versions(month)
        if caller.scope.covers(ROOT_PATH):
            counts = {v.id: (v.planned_count, v.unplanned_count, v.substituted_count) for v in versions}
        else:
            counts = uow.plans.counts_within(caller.scope, [v.id for v in versions])
        return [
            VersionRead(
                v.id,
                v.month,
                v.number,
                v.area_path if caller.scope.overlaps(v.area_path) else None,
                v.trigger,
                v.created_at,
                v.solver_seconds,
                *counts[v.id],
                v.calendar_warning,
            )
            for v in versions
        ]


def shortfall(
    uow: UnitOfWork, *, caller: Caller, month: Month, area_code: str | None = None
) -> dict[str, Any]:
    """Per grid of the caller's area: owed, planned, turned into phone visits, unplanned with reasons."""
    require_register_reader(caller)
    with uow:
        scope = uow.areas.scope_within(caller.scope, area_code)
        latest = uow.plans.latest(month)
        if latest is None:
            raise NotFound("该月尚无计划")
        unplanned = list(uow.plans.unplanned(latest.id))
        grids = {a.id: a for a in uow.areas.by_ids({u.grid_id for u in unplanned})}
        visible = set(latest.summary.get("grids", {}))
        allowed_codes = {a.code for a in uow.areas.by_codes(visible).values() if scope.covers(a.path)}
        back = handed_back_of(latest.summary)
        people = uow.elders.visible_ids(scope, {VisitId.parse(vid).elder_id for vid in back})
        mine = {vid: entry for vid, entry in back.items() if VisitId.parse(vid).elder_id in people}
        return {
            "month": str(month),
            "version": latest.number,
            "calendar_warning": latest.calendar_warning,
            "guard_hit": _guarded_within(uow, scope, latest.summary.get("guard_hit", [])),
            "grids": [
                {
                    "grid": code,
                    **counts,
                    "unplanned_elders": [
                        {
                            "elder_id": u.elder_id,
                            "kind": u.kind.value,
                            "reason": u.reason,
                            "handed_back": mine.get(_key(u.elder_id, u.obligation), {}).get("cause"),
                        }
                        for u in unplanned
                        if grids[u.grid_id].code == code
                    ],
                }
                for code, counts in sorted(latest.summary.get("grids", {}).items())
                if code in allowed_codes
            ],
            # Paired people's visits their visitor could not make, back with the grid's worker (ADR 0029).
            "handed_back": dict(sorted(Counter(e["cause"] for e in mine.values()).items())),
            "handed_back_visits": [
                {"elder_id": VisitId.parse(vid).elder_id, "obligation": VisitId.parse(vid).key, **entry}
                for vid, entry in sorted(mine.items())
            ],
        }


def handed_back_of(summary: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """A version's hand-backs by visit id (`elder:obligation`): their cause and visitor (docs/adr/0029)."""
    return dict(summary.get("handed_back_visits", {}))


def _key(elder_id: int, obligation: str) -> str:
    return str(VisitId(elder_id, obligation))


def _guarded_within(uow: UnitOfWork, scope: Scope, worker_ids: list[int]) -> list[int]:
    """The scope's workers whose solve of this version was stopped by its wall-clock guard (docs/adr/0024):
    their routes are the best found by then. Rare, so looked up one by one."""
    found = [uow.workers.find_by_account_id(i) for i in worker_ids]
    return [w.id for w in found if w is not None and scope.covers_worker(w)]


def diff(
    uow: UnitOfWork, *, caller: Caller, month: Month, from_number: int, to_number: int
) -> dict[str, Any]:
    """What moved between two versions of a month, per owed visit (elder and obligation), within scope."""
    require_register_reader(caller)
    with uow:
        versions = {v.number: v for v in uow.plans.versions(month)}
        missing = [n for n in (from_number, to_number) if n not in versions]
        if missing:
            raise NotFound(f"计划版本不存在：{', '.join(map(str, missing))}")
        back = handed_back_of(versions[to_number].summary)
        before = {(v.elder_id, v.obligation): v for v in uow.plans.visits(versions[from_number].id)}
        after = {(v.elder_id, v.obligation): v for v in uow.plans.visits(versions[to_number].id)}
        visible = uow.elders.visible_ids(caller.scope, {key[0] for key in before.keys() | after.keys()})
        changes: dict[str, list[dict[str, Any]]] = {"added": [], "removed": [], "moved": []}
        for key in sorted(before.keys() | after.keys()):
            if key[0] not in visible:
                continue
            old, new = before.get(key), after.get(key)
            entry: dict[str, Any] = {"elder_id": key[0], "obligation": key[1]}
            if _key(*key) in back:
                entry["handed_back"] = back[_key(*key)]["cause"]
            if old is None and new is not None:
                changes["added"].append({**entry, **_where(new)})
            elif new is None and old is not None:
                changes["removed"].append({**entry, **_where(old)})
            elif old is not None and new is not None and _where(old) != _where(new):
                changes["moved"].append({**entry, "from": _where(old), "to": _where(new)})
        return {"month": str(month), "from": from_number, "to": to_number, **changes}


def _where(visit: Any) -> dict[str, Any]:
    return {"worker_id": visit.worker_id, "day": visit.day.isoformat(), "kind": visit.kind.value}
