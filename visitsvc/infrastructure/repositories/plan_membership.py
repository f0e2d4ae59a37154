"""Which plan rows a version holds (docs/adr/0022): the one place that says it.

A planned or unplanned visit row is written once, by the version `version_id`, and stays a row of every
later version of its month until a version leaves it out (`retired_in`). So row r is part of version V of
month M iff

    r.month == M and r.version_id <= V.id and (r.retired_in is None or r.retired_in > V.id)

which holds because, within a month, version ids increase with their numbers (versions are written one at a
time; `version_rows.write` checks it). Every query that selects a version's rows uses `in_version`.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, SQLColumnExpression, and_, false, or_
from sqlalchemy.orm import Session

from visitsvc.model import PlannedVisit, PlanVersion, UnplannedVisit

PlanRowModel = type[PlannedVisit] | type[UnplannedVisit]


def in_version(
    rows: PlanRowModel, version_id: int | SQLColumnExpression[int], month: str | SQLColumnExpression[str]
) -> ColumnElement[bool]:
    """Rows of the version `version_id` of `month`: literals, or columns of a joined `PlanVersion` (a query
    over several versions at once)."""
    return and_(
        rows.month == month,
        rows.version_id <= version_id,
        or_(rows.retired_in.is_(None), rows.retired_in > version_id),
    )


def rows_of(session: Session, rows: PlanRowModel, version_id: int) -> ColumnElement[bool]:
    """Rows of the version `version_id` (none for a version there is not): `in_version` with its month."""
    version = session.get(PlanVersion, version_id)
    return false() if version is None else in_version(rows, version.id, version.month)


def live(rows: PlanRowModel, month: str) -> ColumnElement[bool]:
    """Rows of the month's latest version: no version has retired them yet."""
    return and_(rows.month == month, rows.retired_in.is_(None))
