"""Tracebacks fit for a log: where it failed and what kind of error, never what the error said.

An exception's text may carry the data being handled: a database error repeats the statement's parameters
or the offending key ("DETAIL: Key (id_number)=(...)"), a KeyError its key. Engines hide their parameters
(`make_engine`), but the driver's own message is beyond that, so only our DomainError, whose messages are
written for users, keeps its text; every other exception is named by its type alone.
"""

from __future__ import annotations

import traceback

from visitsvc.kernel.errors import DomainError

WITHHELD = "(message withheld: it may hold personal data)"


def describe(exc: BaseException) -> str:
    """`Type: message` for our own errors, `module.Type` for everything else."""
    kind = _name(type(exc))
    if isinstance(exc, DomainError):
        return f"{kind}: {exc.message}"
    return kind


def safe_traceback(exc: BaseException, *, limit: int | None = None) -> str:
    """Like traceback.format_exception, chained causes included, with every message replaced by `describe`.

    Frames show file, line, function and source line, none of which holds runtime values.
    """
    parts: list[str] = []
    for index, link in enumerate(_chain(exc)):
        if index:
            parts.append("\nDuring the handling of, or caused by:\n")
        parts.append("Traceback (most recent call last):\n")
        parts.extend(traceback.format_list(traceback.extract_tb(link.__traceback__, limit=limit)))
        parts.append(describe(link) + ("" if isinstance(link, DomainError) else f" {WITHHELD}") + "\n")
    return "".join(parts)


def _chain(exc: BaseException) -> list[BaseException]:
    """The exception and what caused it, the first cause first (as Python prints them)."""
    seen: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and all(current is not s for s in seen):
        seen.append(current)
        current = current.__cause__ or (None if current.__suppress_context__ else current.__context__)
    return seen[::-1]


def _name(kind: type[BaseException]) -> str:
    module = kind.__module__
    return kind.__qualname__ if module == "builtins" else f"{module}.{kind.__qualname__}"
