"""Column types that keep a value encrypted in the database and plain in Python (docs/adr/0013).

`Elder.phone` stays a `str` and `Elder.birth_date` a `date` to every service; only the database sees
``v1:<key id>:<base64>``. Such a column cannot be compared in SQL (every sealing is different): comparing
one raises, so a query that would silently find nothing fails loudly instead. Exact lookup goes through a
blind-index column.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Dialect, String, TypeDecorator
from sqlalchemy.sql.elements import ClauseElement

from visitsvc.kernel import crypto

# v1:<key id up to 16>:<base64 of 12 + n + 16 bytes>; 120 characters hold a plain value of up to 60 bytes.
SEALED_LENGTH = 120


class _NotComparable(TypeDecorator.Comparator[Any]):
    def operate(self, op: Any, *other: Any, **kwargs: Any) -> Any:
        # Columns and NULL compare as ever (SQLAlchemy itself compares columns); a plain value never would.
        if all(o is None or isinstance(o, ClauseElement) for o in other):
            return super().operate(op, *other, **kwargs)
        raise TypeError(
            "an encrypted column cannot be compared in SQL: look it up by its blind index (docs/adr/0013)"
        )

    def reverse_operate(self, op: Any, other: Any, **kwargs: Any) -> Any:
        return self.operate(op, other, **kwargs)


class EncryptedString(TypeDecorator[str]):
    impl = String(SEALED_LENGTH)
    cache_ok = True
    comparator_factory = _NotComparable

    def __init__(self, context: str) -> None:
        super().__init__()
        self.context = context  # the column's name: associated data, so a value cannot change columns

    def process_bind_param(self, value: str | None, dialect: Dialect) -> str | None:
        return None if value is None else crypto.encrypt(value, self.context)

    def process_result_value(self, value: str | None, dialect: Dialect) -> str | None:
        return None if value is None else crypto.decrypt(value, self.context)

    def copy(self, **kw: Any) -> EncryptedString:
        return EncryptedString(self.context)


class EncryptedDate(TypeDecorator[date]):
    impl = String(SEALED_LENGTH)
    cache_ok = True
    comparator_factory = _NotComparable

    def __init__(self, context: str) -> None:
        super().__init__()
        self.context = context

    def process_bind_param(self, value: date | None, dialect: Dialect) -> str | None:
        return None if value is None else crypto.encrypt(value.isoformat(), self.context)

    def process_result_value(self, value: str | None, dialect: Dialect) -> date | None:
        return None if value is None else date.fromisoformat(crypto.decrypt(value, self.context))

    def copy(self, **kw: Any) -> EncryptedDate:
        return EncryptedDate(self.context)
