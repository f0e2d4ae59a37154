"""Appointments (预约) and the call-ahead tries nobody answered: what planning pins and the phone lists."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from visitsvc.access.scoping import Scope
from visitsvc.model import Absence, Appointment, AppointmentState, Elder, Role, Worker, worker_grids


class AppointmentRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, scope: Scope, appointment_id: int) -> Appointment | None:
        """One appointment of a person within `scope`; None otherwise (the caller answers 404)."""
        query = (
            select(Appointment)
            .join(Elder, Elder.id == Appointment.elder_id)
            .where(Appointment.id == appointment_id, scope.elder_clause())
        )
        return self.session.scalar(query)

    def by_client_ids(self, client_ids: Iterable[str]) -> dict[str, Appointment]:
        ids = sorted(set(client_ids))
        if not ids:
            return {}
        rows = self.session.scalars(select(Appointment).where(Appointment.client_id.in_(ids)))
        return {a.client_id: a for a in rows}

    def page(
        self,
        scope: Scope,
        *,
        also: Scope | None,
        month: str | None,
        elder_id: int | None,
        state: AppointmentState | None,
        limit: int,
        after_id: int | None,
    ) -> list[Appointment]:
        """Oldest first by id. `also`: a second scope the person must lie in too (a worker's grids)."""
        query: Select[Appointment] = (
            select(Appointment).join(Elder, Elder.id == Appointment.elder_id).where(scope.elder_clause())
        )
        if month is not None:
            query = query.where(Appointment.month == month)
        if elder_id is not None:
            query = query.where(Appointment.elder_id == elder_id)
        if also is not None:
            query = query.where(also.elder_clause())
        if state is not None:
            query = query.where(Appointment.state == state)
        if after_id is not None:
            query = query.where(Appointment.id > after_id)
        return list(self.session.scalars(query.order_by(Appointment.id).limit(limit)))

    def agreed_from(self, elder_id: int, first: date) -> list[Appointment]:
        """The person's agreed appointments for `first` or later."""
        query = select(Appointment).where(
            Appointment.elder_id == elder_id,
            Appointment.state == AppointmentState.AGREED,
            Appointment.day >= first,
        )
        return list(self.session.scalars(query.order_by(Appointment.day, Appointment.id)))

    def agreed_between(self, elder_ids: Iterable[int] | None, first: date, last: date) -> list[Appointment]:
        """Agreed appointments on days `first`..`last` (of these people, or of everyone): what planning
        keeps. The newest per person and day comes last."""
        query = select(Appointment).where(
            Appointment.state == AppointmentState.AGREED, Appointment.day >= first, Appointment.day <= last
        )
        if elder_ids is not None:
            query = query.where(Appointment.elder_id.in_(sorted(set(elder_ids))))
        return list(
            self.session.scalars(query.order_by(Appointment.elder_id, Appointment.day, Appointment.id))
        )

    def last_no_answer(self, elder_ids: Iterable[int], day: date) -> dict[int, Appointment]:
        """Per person, the latest call ahead for `day` that nobody answered."""
        ids = sorted(set(elder_ids))
        if not ids:
            return {}
        query = select(Appointment).where(
            Appointment.elder_id.in_(ids),
            Appointment.state == AppointmentState.NO_ANSWER,
            Appointment.day == day,
        )
        result: dict[int, Appointment] = {}
        for row in self.session.scalars(query.order_by(Appointment.created_at, Appointment.id)):
            result[row.elder_id] = row
        return result

    def add(self, appointment: Appointment) -> None:
        self.session.add(appointment)
        self.session.flush()

    def absent_grid_workers(self, wanted: Iterable[tuple[int, date]]) -> set[tuple[int, date]]:
        """Of (grid, day) pairs, those whose grid worker (the first active one by id, as planning assigns
        grids) is absent that day."""
        pairs = set(wanted)
        if not pairs:
            return set()
        grid_ids = sorted({g for g, _ in pairs})
        rows = self.session.execute(
            select(worker_grids.c.area_id, Worker.id)
            .join(Worker, Worker.id == worker_grids.c.worker_id)
            .where(
                worker_grids.c.area_id.in_(grid_ids), Worker.role == Role.GRID_WORKER, Worker.active.is_(True)
            )
            .order_by(Worker.id)
        )
        first: dict[int, int] = {}
        for grid_id, worker_id in rows:
            first.setdefault(grid_id, worker_id)
        days = [d for _, d in pairs]
        absences = self.session.scalars(
            select(Absence).where(
                Absence.worker_id.in_(sorted(set(first.values()))),
                Absence.first_day <= max(days),
                Absence.last_day >= min(days),
            )
        ).all()
        return {
            (g, d)
            for g, d in pairs
            if g in first
            and any(a.worker_id == first[g] and a.first_day <= d <= a.last_day for a in absences)
        }
