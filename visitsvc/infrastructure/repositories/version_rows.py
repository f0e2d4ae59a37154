"""Writing a plan version's rows at the cost of what changed (docs/adr/0022).

The caller hands over the new version's complete rows, as it always computed them. They are compared by value
with the rows of the month's latest version (its live rows): a row equal to a live one is that row (it stays,
same id); a live row the new version does not have is retired by it (`retired_in`, one UPDATE per chunk of
ids); what is left is inserted in bulk (one executemany) and its ids read back. A re-plan that changes one
worker's routes thus writes that worker's changed visits, not the month's.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from visitsvc.infrastructure.repositories.batches import chunks
from visitsvc.infrastructure.repositories.plan_membership import PlanRowModel, live
from visitsvc.model import PlanVersion

# What makes two rows the same row of a plan: every column but the bookkeeping (id, version_id, month,
# retired_in). Two equal rows in one version (a multiset) are matched one for one.
PLANNED_VALUES = (
    "elder_id", "obligation", "worker_id", "day", "seq", "arrival", "kind", "rule", "substituted", "moved",
    "pinned",
)  # fmt: skip
UNPLANNED_VALUES = ("elder_id", "grid_id", "kind", "obligation", "reason")


class VersionOrderBroken(RuntimeError):
    """A version of the month with a higher id than the one being written: the membership test would
    give wrong rows. Versions are written one at a time (unique (month, number), number = latest + 1 read in
    the writing transaction), so this means a write outside that path."""


def check_order(session: Session, version: PlanVersion) -> None:
    """The new version's id is above every other of its month (flushed, so it has an id)."""
    others = (PlanVersion.month == version.month) & (PlanVersion.id != version.id)
    highest = session.scalar(select(func.max(PlanVersion.id)).where(others))
    if highest is not None and highest > version.id:
        raise VersionOrderBroken(f"{version.month}: version id {version.id} written after {highest}")


def write(
    session: Session,
    version: PlanVersion,
    rows: Sequence[object],
    model: PlanRowModel,
    values: tuple[str, ...],
) -> tuple[int, int]:
    """Store `rows` as the complete rows of `version` (flushed, the month's newest): (inserted, retired).

    A row is anything with the `values` attributes. An ORM row of `model` gets the id, `version_id` and
    `month` of the stored row it is (a caller may go on to use it); it is never added to the session. Plain
    values (a planning run's `NewVisit`s, tens of thousands of them) are only read: building ORM rows for them
    cost more than writing them."""
    columns = [getattr(model, name) for name in values]
    stock: dict[tuple[Any, ...], list[tuple[int, int]]] = defaultdict(list)
    for row_id, written_by, *key in session.execute(
        select(model.id, model.version_id, *columns).where(live(model, version.month))
    ):
        stock[tuple(key)].append((row_id, written_by))
    defaults = _defaults(model, values)
    fresh: list[tuple[Any, ...]] = []
    told: list[tuple[Any, tuple[Any, ...]]] = []  # ORM rows inserted now, to be told their ids
    for row in rows:
        # An unset value is compared as what the insert would store.
        row_values = tuple(
            defaults[name] if (value := getattr(row, name)) is None and name in defaults else value
            for name in values
        )
        same = stock.get(row_values)
        stored = same.pop() if same else None
        if stored is None:
            fresh.append(row_values)
        if isinstance(row, model):
            row.month, row.retired_in = version.month, None
            for name, default in defaults.items():
                if getattr(row, name) is None:
                    setattr(row, name, default)
            if stored is None:
                row.version_id = version.id
                told.append((row, row_values))
            else:
                row.id, row.version_id = stored
    gone = sorted(row_id for ids in stock.values() for row_id, _ in ids)
    for chunk in chunks(gone):
        session.execute(
            update(model).where(model.id.in_(chunk)).values(retired_in=version.id),
            execution_options={"synchronize_session": False},
        )
    if fresh:
        # One executemany. Not RETURNING: in parameter order, SQLite would be sent one INSERT per row.
        written = {"version_id": version.id, "month": version.month}
        session.execute(
            insert(model), [{**written, **dict(zip(values, row_values, strict=True))} for row_values in fresh]
        )
        if told:
            _give_ids(session, version, told, model, values)
    return len(fresh), len(gone)


def _defaults(model: PlanRowModel, values: tuple[str, ...]) -> dict[str, Any]:
    """The column defaults of the value columns that have one (substituted, moved, pinned: False)."""
    columns = model.__table__.c
    return {
        name: columns[name].default.arg
        for name in values
        if columns[name].default is not None and columns[name].default.is_scalar
    }


def _give_ids(
    session: Session,
    version: PlanVersion,
    told: Sequence[tuple[Any, tuple[Any, ...]]],
    model: PlanRowModel,
    values: tuple[str, ...],
) -> None:
    """The ids of the ORM rows just inserted, read back by their version and matched by value."""
    columns = [getattr(model, name) for name in values]
    ids: dict[tuple[Any, ...], list[int]] = defaultdict(list)
    for row_id, *stored in session.execute(select(model.id, *columns).where(model.version_id == version.id)):
        ids[tuple(stored)].append(row_id)
    for row, row_values in told:
        row.id = ids[row_values].pop()
