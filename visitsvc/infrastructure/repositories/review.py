"""The supervisors' queues: proof-of-visit flags, follow-ups, status proposals, quarantined records."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence

from sqlalchemy import ColumnElement, CursorResult, and_, case, func, or_, select, update
from sqlalchemy.orm import InstrumentedAttribute, Session

from visitsvc.access.scoping import Scope
from visitsvc.infrastructure.repositories.batches import chunks
from visitsvc.infrastructure.repositories.month_text import month_text
from visitsvc.kernel.errors import NotFound
from visitsvc.kernel.month import Month
from visitsvc.model import (
    Elder,
    FlagState,
    FollowUp,
    FollowUpStatus,
    ProposalState,
    RecordState,
    StatusProposal,
    VisitFlag,
    VisitRecord,
    Worker,
)

Reviewed = FollowUp | VisitFlag | StatusProposal | VisitRecord


def follow_up_rank(first_kinds: Collection[str]) -> ColumnElement[int]:
    """A follow-up's place in the queue: 0 urgent and of `first_kinds`, 1 other urgent, 2 the rest."""
    urgent = FollowUp.urgent.is_(True)
    return case((and_(urgent, FollowUp.kind.in_(list(first_kinds))), 0), (urgent, 1), else_=2)


class ReviewRepository:
    """What supervisors review and decide: proof-of-visit flags, follow-ups, status proposals, records held in
    quarantine. Every read is scoped through the person the item is about."""

    def __init__(self, session: Session) -> None:
        self.session = session

    @staticmethod
    def _in(scope: Scope, column: InstrumentedAttribute[int]) -> ColumnElement[bool]:
        return column.in_(select(Elder.id).where(scope.elder_clause()))

    def flags(
        self, scope: Scope, *, month: Month | None, state: FlagState | None, limit: int, after_id: int | None
    ) -> list[tuple[VisitFlag, VisitRecord]]:
        query = (
            select(VisitFlag, VisitRecord)
            .join(VisitRecord, VisitRecord.id == VisitFlag.visit_id)
            .where(self._in(scope, VisitFlag.elder_id))
        )
        if month is not None:
            query = query.where(VisitRecord.month == month_text(month))
        if state is not None:
            query = query.where(VisitFlag.state == state)
        if after_id is not None:
            query = query.where(VisitFlag.id > after_id)
        rows = self.session.execute(query.order_by(VisitFlag.id).limit(limit))
        return [(flag, record) for flag, record in rows]

    def flag(self, scope: Scope, flag_id: int) -> VisitFlag:
        found = self.session.scalar(
            select(VisitFlag).where(VisitFlag.id == flag_id, self._in(scope, VisitFlag.elder_id))
        )
        if found is None:
            raise NotFound("核查标记不存在")
        return found

    def follow_ups(
        self,
        scope: Scope,
        *,
        statuses: Sequence[FollowUpStatus],
        month: Month | None,
        limit: int,
        after: tuple[int, int] | None,
        first_kinds: Collection[str] = (),
    ) -> list[FollowUp]:
        """By rank, then oldest first: urgent ones of `first_kinds` (rank 0), other urgent ones (1), the rest
        (2); `after` is the (rank, id) of the last row seen."""
        rank = follow_up_rank(first_kinds)
        query = select(FollowUp).where(self._in(scope, FollowUp.elder_id), FollowUp.status.in_(statuses))
        if month is not None:
            query = query.where(
                FollowUp.visit_id.in_(select(VisitRecord.id).where(VisitRecord.month == month_text(month)))
            )
        if after is not None:
            last_rank, last_id = after
            query = query.where(or_(rank > last_rank, and_(rank == last_rank, FollowUp.id > last_id)))
        return list(self.session.scalars(query.order_by(rank, FollowUp.id).limit(limit)))

    def follow_up(self, scope: Scope, follow_up_id: int) -> FollowUp:
        found = self.session.scalar(
            select(FollowUp).where(FollowUp.id == follow_up_id, self._in(scope, FollowUp.elder_id))
        )
        if found is None:
            raise NotFound("跟进事项不存在")
        return found

    def proposals(
        self, scope: Scope, *, state: ProposalState | None, limit: int, after_id: int | None
    ) -> list[StatusProposal]:
        query = select(StatusProposal).where(self._in(scope, StatusProposal.elder_id))
        if state is not None:
            query = query.where(StatusProposal.state == state)
        if after_id is not None:
            query = query.where(StatusProposal.id > after_id)
        return list(self.session.scalars(query.order_by(StatusProposal.id).limit(limit)))

    def proposal(self, scope: Scope, proposal_id: int) -> StatusProposal:
        found = self.session.scalar(
            select(StatusProposal).where(
                StatusProposal.id == proposal_id, self._in(scope, StatusProposal.elder_id)
            )
        )
        if found is None:
            raise NotFound("状态变更建议不存在")
        return found

    def records(
        self, scope: Scope, *, state: RecordState, month: Month | None, limit: int, after_id: int | None
    ) -> list[VisitRecord]:
        query = select(VisitRecord).where(self._in(scope, VisitRecord.elder_id), VisitRecord.state == state)
        if month is not None:
            query = query.where(VisitRecord.month == month_text(month))
        if after_id is not None:
            query = query.where(VisitRecord.id > after_id)
        return list(self.session.scalars(query.order_by(VisitRecord.id).limit(limit)))

    def record(self, scope: Scope, record_id: int) -> VisitRecord:
        found = self.session.scalar(
            select(VisitRecord).where(VisitRecord.id == record_id, self._in(scope, VisitRecord.elder_id))
        )
        if found is None:
            raise NotFound("探访记录不存在")
        return found

    def decide(self, row: Reviewed, column: str, expected: object, **values: object) -> bool:
        """Write `values` only if `column` still holds `expected`: of two concurrent decisions, one wins."""
        model = type(row)
        attribute = getattr(model, column)
        result = self.session.execute(
            update(model).where(model.id == row.id, attribute == expected).values(**values)
        )
        return isinstance(result, CursorResult) and result.rowcount == 1

    def waiting(self, scope: Scope, *, month: Month) -> dict[str, int]:
        """How much waits in each queue: follow-ups not closed, the month's open flags, pending proposals,
        records in quarantine. Counted with the same clauses as the lists, so each number matches its list."""
        flags = (
            select(func.count(VisitFlag.id))
            .join(VisitRecord, VisitRecord.id == VisitFlag.visit_id)
            .where(
                self._in(scope, VisitFlag.elder_id),
                VisitFlag.state == FlagState.OPEN,
                VisitRecord.month == month_text(month),
            )
        )
        queries = {
            "follow_ups": select(func.count(FollowUp.id)).where(
                self._in(scope, FollowUp.elder_id), FollowUp.status != FollowUpStatus.CLOSED
            ),
            "flags": flags,
            "proposals": select(func.count(StatusProposal.id)).where(
                self._in(scope, StatusProposal.elder_id), StatusProposal.state == ProposalState.PENDING
            ),
            "quarantined": select(func.count(VisitRecord.id)).where(
                self._in(scope, VisitRecord.elder_id), VisitRecord.state == RecordState.QUARANTINED
            ),
        }
        return {name: self.session.scalar(query) or 0 for name, query in queries.items()}

    def worker_names(self, ids: Iterable[int]) -> dict[int, str]:
        found: dict[int, str] = {}
        for chunk in chunks(sorted(set(ids))):
            query = select(Worker.id, Worker.name).where(Worker.id.in_(chunk))
            found.update(dict(self.session.execute(query).all()))
        return found
