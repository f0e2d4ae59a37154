"""The id of one owed visit inside a routing problem and a warm start: a person and an obligation.

`routing` knows visits by a string; this is that string's one spelling, `"{elder_id}|{key}"`. The text is
part of the inputs' fingerprint stored with each plan version, so it must not change.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

SEPARATOR = "|"


class _Owed(Protocol):
    @property
    def elder_id(self) -> int: ...
    @property
    def key(self) -> str: ...


class _Row(Protocol):
    @property
    def elder_id(self) -> int: ...
    @property
    def obligation(self) -> str: ...


@dataclass(frozen=True, slots=True, order=True)
class VisitId:
    elder_id: int
    key: str  # the obligation, e.g. "week-2026-12-14"

    def __str__(self) -> str:
        return f"{self.elder_id}{SEPARATOR}{self.key}"

    @classmethod
    def of(cls, owed: _Owed) -> VisitId:
        """The visit an obligation asks for (`policy.Owed`)."""
        return cls(owed.elder_id, owed.key)

    @classmethod
    def of_row(cls, row: _Row) -> VisitId:
        """The visit a plan row holds (`PlannedVisit`)."""
        return cls(row.elder_id, row.obligation)

    @classmethod
    def parse(cls, text: str) -> VisitId:
        """The inverse of `str()`: the person is everything before the first separator (an obligation may
        hold one, a person's id never does)."""
        elder, separator, key = text.partition(SEPARATOR)
        if not separator or not elder.isdigit() or not key:
            raise ValueError(f"not a visit id: {text!r}")
        return cls(int(elder), key)
