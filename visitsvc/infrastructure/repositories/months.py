"""What coverage reads of a month: plan entries across versions, outcomes, at-risk marks."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

from sqlalchemy import delete, func, or_, select, true
from sqlalchemy.orm import Session

from visitsvc.infrastructure.repositories.batches import chunks
from visitsvc.infrastructure.repositories.month_text import month_text
from visitsvc.infrastructure.repositories.plan_membership import in_version, rows_of
from visitsvc.kernel.clock import SHANGHAI
from visitsvc.kernel.month import Month
from visitsvc.model import (
    AtRiskMark,
    PlannedVisit,
    PlanVersion,
    RecordState,
    UnplannedVisit,
    VisitKind,
    VisitOutcome,
    VisitRecord,
)


class MonthRepository:
    """What coverage reads of a month, for a set of people: plan entries across versions, and outcomes."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def slots(self, version_id: int, elder_ids: Sequence[int]) -> list[PlannedVisit]:
        rows: list[PlannedVisit] = []
        of_version = rows_of(self.session, PlannedVisit, version_id)
        for chunk in chunks(sorted(elder_ids)):
            query = select(PlannedVisit).where(of_version, PlannedVisit.elder_id.in_(chunk))
            rows.extend(self.session.scalars(query.order_by(PlannedVisit.day, PlannedVisit.seq)))
        return rows

    def unplanned(self, version_id: int, elder_ids: Sequence[int]) -> list[UnplannedVisit]:
        rows: list[UnplannedVisit] = []
        of_version = rows_of(self.session, UnplannedVisit, version_id)
        for chunk in chunks(sorted(elder_ids)):
            query = select(UnplannedVisit).where(of_version, UnplannedVisit.elder_id.in_(chunk))
            rows.extend(self.session.scalars(query))
        return rows

    def first_planned(self, month: Month, elder_ids: Sequence[int]) -> dict[tuple[int, str], date]:
        """(elder, obligation) -> the first day the plan in force on that day had it on. The version in force
        on a day is the last one made by that day's end: a day an earlier version had a visit on, before a
        re-plan moved it, never passed with the visit planned."""
        text = month_text(month)
        versions = self.session.execute(
            select(PlanVersion.id, PlanVersion.created_at)
            .where(PlanVersion.month == text)
            .order_by(PlanVersion.created_at, PlanVersion.id)
        ).all()
        made = [(vid, created.astimezone(SHANGHAI).date()) for vid, created in versions]
        if not made:
            return {}
        spans = []  # (version, first day it is in force at a day's end, the day its successor is made)
        for (vid, on), until in zip(made, [*(on for _, on in made[1:]), None], strict=True):
            if until is None or until > on:
                spans.append((vid, on, until))
        in_force = or_(
            *(
                in_version(PlannedVisit, vid, text) & (PlannedVisit.day >= on)
                & (PlannedVisit.day < until if until is not None else true())
                for vid, on, until in spans
            )
        )  # fmt: skip
        result: dict[tuple[int, str], date] = {}
        for chunk in chunks(sorted(elder_ids)):
            query = (
                select(PlannedVisit.elder_id, PlannedVisit.obligation, func.min(PlannedVisit.day))
                .where(PlannedVisit.elder_id.in_(chunk), in_force)
                .group_by(PlannedVisit.elder_id, PlannedVisit.obligation)
            )
            for elder_id, obligation, day in self.session.execute(query):
                result[(elder_id, obligation)] = day
        return result

    def records(self, month: Month, elder_ids: Sequence[int]) -> list[VisitRecord]:
        """Every outcome recorded in the month (counted or not), oldest first."""
        rows: list[VisitRecord] = []
        for chunk in chunks(sorted(elder_ids)):
            query = select(VisitRecord).where(
                VisitRecord.month == month_text(month), VisitRecord.elder_id.in_(chunk)
            )
            rows.extend(self.session.scalars(query.order_by(VisitRecord.started_at, VisitRecord.id)))
        return rows

    def counted_outcomes(
        self, month: Month, elder_ids: Sequence[int]
    ) -> list[tuple[int, date, VisitKind, VisitOutcome, str | None]]:
        """The month's outcomes that count (not voided, not in quarantine), oldest first, as (elder, day,
        kind, outcome, the obligation of the planned visit it answered or None): columns, the obligation
        joined in, not the records as rows and their planned visits looked up after."""
        rows: list[tuple[int, date, VisitKind, VisitOutcome, str | None]] = []
        for chunk in chunks(sorted(elder_ids)):
            query = (
                select(
                    VisitRecord.elder_id,
                    VisitRecord.day,
                    VisitRecord.kind,
                    VisitRecord.outcome,
                    PlannedVisit.obligation,
                )
                .outerjoin(PlannedVisit, PlannedVisit.id == VisitRecord.planned_visit_id)
                .where(
                    VisitRecord.month == month_text(month),
                    VisitRecord.elder_id.in_(chunk),
                    VisitRecord.state == RecordState.COUNTED,
                    VisitRecord.voided_at.is_(None),
                )
                .order_by(VisitRecord.started_at, VisitRecord.id)
            )
            rows.extend(self.session.execute(query))
        return rows

    def replace_marks(self, month: Month, elder_ids: Sequence[int], marks: Iterable[AtRiskMark]) -> None:
        """These people's at-risk marks of the month, instead of the ones of an earlier evaluation."""
        for chunk in chunks(sorted(elder_ids)):
            self.session.execute(
                delete(AtRiskMark).where(
                    AtRiskMark.month == month_text(month), AtRiskMark.elder_id.in_(chunk)
                )
            )
        self.session.add_all(marks)

    def marks(self, month: Month, elder_ids: Sequence[int]) -> list[AtRiskMark]:
        rows: list[AtRiskMark] = []
        for chunk in chunks(sorted(elder_ids)):
            query = select(AtRiskMark).where(
                AtRiskMark.month == month_text(month), AtRiskMark.elder_id.in_(chunk)
            )
            rows.extend(self.session.scalars(query.order_by(AtRiskMark.elder_id)))
        return rows
