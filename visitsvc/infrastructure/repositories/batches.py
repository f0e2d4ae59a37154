"""Bounded IN lists (long id lists are queried in chunks), and the tables bulk writes go to."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TypeVar

from sqlalchemy import Table

from visitsvc.model import Base

CHUNK = 500  # bound IN lists: SQLite allows 32k parameters, but plans stay better with smaller batches

T = TypeVar("T")


def chunks(values: Sequence[T], size: int = CHUNK) -> Iterable[Sequence[T]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def table_of(model: type[Base]) -> Table:
    """A model's table, for Core inserts that bypass the session's bookkeeping."""
    return Base.metadata.tables[model.__tablename__]
