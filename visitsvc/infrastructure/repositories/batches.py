"""Bounded IN lists: long id lists are queried in chunks."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TypeVar

CHUNK = 500  # bound IN lists: SQLite allows 32k parameters, but plans stay better with smaller batches

T = TypeVar("T")


def chunks(values: Sequence[T], size: int = CHUNK) -> Iterable[Sequence[T]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]
