"""Notifications: what is owed a send, who is told, and a claim that lets only one dispatcher send a row."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CursorResult, exists, or_, select, update
from sqlalchemy.orm import Session

from visitsvc.access.scoping import Scope
from visitsvc.infrastructure.repositories.plan_membership import rows_of
from visitsvc.kernel.month import Month
from visitsvc.model import (
    Area,
    Elder,
    FollowUp,
    Notification,
    NotificationState,
    PlanVersion,
    Role,
    UnplannedVisit,
    Worker,
)

# Versions a planning day made (the month's plan, the 25th's job, a forced plan), not a night's re-plan or a
# supervisor's move: a shortfall is the month's plan leaving visits out. Remedies applied on planning day
# (issue 20, "options") make the planning day's newest version: a notice not sent yet tells what is left.
PLANNING_TRIGGERS = ("plan", "scheduler", "options")


class NotificationRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, notification: Notification) -> None:
        self.session.add(notification)

    def urgent_without_notification(self, since: datetime) -> list[tuple[FollowUp, Elder, Area]]:
        """Urgent follow-ups raised since `since` that nobody has been told of yet, with person and grid."""
        told = exists().where(Notification.follow_up_id == FollowUp.id)
        query = (
            select(FollowUp, Elder, Area)
            .join(Elder, Elder.id == FollowUp.elder_id)
            .join(Area, Area.id == Elder.grid_id)
            .where(FollowUp.urgent.is_(True), FollowUp.created_at >= since, ~told)
            .order_by(FollowUp.id)
        )
        return [(f, e, a) for f, e, a in self.session.execute(query)]

    def planning_day_version(self, month: Month) -> PlanVersion | None:
        """The newest version of `month` a planning day made; None when there is none."""
        return self.session.scalar(
            select(PlanVersion)
            .where(PlanVersion.month == str(month), PlanVersion.trigger.in_(PLANNING_TRIGGERS))
            .order_by(PlanVersion.number.desc())
            .limit(1)
        )

    def unplanned_by_grid(self, version_id: int) -> list[tuple[Area, str, int]]:
        """(grid, reason, how many) of a version's unplanned visits."""
        rows = self.session.execute(
            select(UnplannedVisit.grid_id, UnplannedVisit.reason, UnplannedVisit.id).where(
                rows_of(self.session, UnplannedVisit, version_id)
            )
        ).all()
        counts: dict[tuple[int, str], int] = {}
        for grid_id, reason, _ in rows:
            counts[grid_id, reason] = counts.get((grid_id, reason), 0) + 1
        grids = {
            a.id: a for a in self.session.scalars(select(Area).where(Area.id.in_({g for g, _ in counts})))
        }
        return [(grids[g], reason, n) for (g, reason), n in sorted(counts.items())]

    def shortfall_told(self, month: Month, recipient_id: int | None, area_path: str) -> bool:
        who = (
            Notification.recipient_id.is_(None)
            if recipient_id is None
            else Notification.recipient_id == recipient_id
        )
        query = select(Notification.id).where(
            Notification.kind == "shortfall",
            Notification.month == str(month),
            Notification.area_path == area_path,
            who,
        )
        return self.session.scalar(query.limit(1)) is not None

    def responsible(self, area_path: str) -> list[Worker]:
        """Who answers for the area at `area_path`: the active supervisors of the nearest area up the tree
        that has any, else the nearest admins; empty when nobody does."""
        ancestors = [int(part) for part in area_path.strip("/").split("/") if part]
        if not ancestors:
            return []
        rows = list(
            self.session.scalars(
                select(Worker)
                .join(Area, Area.id == Worker.area_id)
                .where(
                    Worker.area_id.in_(ancestors),
                    Worker.active.is_(True),
                    Worker.role.in_((Role.SUPERVISOR, Role.ADMIN)),
                )
                .order_by(Worker.id)
            )
        )
        for role in (Role.SUPERVISOR, Role.ADMIN):
            of_role = [w for w in rows if w.role is role and w.area is not None]
            if of_role:
                deepest = max(len(w.area.path) for w in of_role if w.area is not None)
                return [w for w in of_role if w.area is not None and len(w.area.path) == deepest]
        return []

    def due(self, now: datetime, limit: int) -> list[Notification]:
        query = (
            select(Notification)
            .where(
                Notification.state == NotificationState.PENDING,
                or_(Notification.next_try_at.is_(None), Notification.next_try_at <= now),
            )
            .order_by(Notification.id)
            .limit(limit)
        )
        return list(self.session.scalars(query))

    def claim(self, notification: Notification, *, channel: str, next_try_at: datetime) -> bool:
        """Count one more try and push its next try out, only if nobody else has since (same `tries`): of two
        dispatchers, one sends. A dispatcher that dies mid-send leaves the row due again at `next_try_at`."""
        result = self.session.execute(
            update(Notification)
            .where(
                Notification.id == notification.id,
                Notification.state == NotificationState.PENDING,
                Notification.tries == notification.tries,
            )
            .values(tries=notification.tries + 1, next_try_at=next_try_at, channel=channel)
            .execution_options(synchronize_session=False)
        )
        return isinstance(result, CursorResult) and result.rowcount == 1

    def get(self, notification_id: int) -> Notification:
        return self.session.get_one(Notification, notification_id, populate_existing=True)

    def recipient_phone(self, worker_id: int | None) -> str | None:
        if worker_id is None:
            return None
        worker = self.session.get(Worker, worker_id)
        return None if worker is None else worker.phone

    def page(
        self, scope: Scope, *, state: NotificationState | None, limit: int, before_id: int | None
    ) -> list[Notification]:
        """Newest first, filed within `scope` (by the person's grid, or the told supervisor's area)."""
        query = select(Notification).where(scope.area_clause(Notification.area_path))
        if state is not None:
            query = query.where(Notification.state == state)
        if before_id is not None:
            query = query.where(Notification.id < before_id)
        return list(self.session.scalars(query.order_by(Notification.id.desc()).limit(limit)))
