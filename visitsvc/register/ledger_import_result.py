"""What one import of the 台账 counted, and its progress callback: shared by the importer of each kind."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from visitsvc.kernel.errors import RowError
from visitsvc.register.ledger_format import LedgerKind

Progress = Callable[[int, int], None]


@dataclass(slots=True)
class ImportResult:
    kind: LedgerKind
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    dry_run: bool = False
    errors: list[RowError] = field(default_factory=list)
