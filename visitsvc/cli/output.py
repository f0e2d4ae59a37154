"""How a command ends: its result, as JSON for a script or as text for the operator; or a service's refusal,
as exit code 1 and a message on stderr.

A refusal (a DomainError) is an answer to the operator, told without a traceback; anything else is a defect,
told by its type and frames only (main.py).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import IO, Any

import click

from visitsvc.kernel.errors import DomainError, RowError


def report(
    body: Mapping[str, Any],
    text: Iterable[str],
    *,
    as_json: bool,
    text_to_stderr: bool = False,
    json_default: Callable[[Any], Any] | None = None,
) -> None:
    """With --json the body as one line of JSON on stdout; otherwise the text, line by line.

    The text goes to stderr when it only tells what was done, so stdout stays empty for a pipe. Pass it as a
    generator and it is not even built under --json.
    """
    if as_json:
        click.echo(json.dumps(body, ensure_ascii=False, default=json_default))
        return
    for line in text:
        click.echo(line, err=text_to_stderr)


class Refused(click.ClickException):
    """A service said no: exit code 1, and on stderr its message (click's `Error: ...`) or, for a file, a
    heading and one line per bad cell, numbered as the clerk's spreadsheet numbers them."""

    def __init__(self, message: str, *, heading: str | None = None, rows: Sequence[RowError] = ()) -> None:
        super().__init__(message)
        self.heading = heading
        self.rows = tuple(rows)

    def show(self, file: IO[Any] | None = None) -> None:
        if self.heading is None:
            super().show(file)
            return
        click.echo(f"{self.heading}：{self.message}", file=file, err=True)
        for r in self.rows:
            click.echo(f"  第 {r.row} 行 [{r.column}] {r.message}", file=file, err=True)


def _message(exc: DomainError) -> str:
    return exc.message


@contextmanager
def refusals(
    *,
    heading: str | None = None,
    describe: Callable[[DomainError], str] = _message,
    also: tuple[type[Exception], ...] = (),
) -> Iterator[None]:
    """Inside, a DomainError becomes `Refused` with its message (or what `describe` makes of it) and its bad
    rows; an error of the `also` types (the simulation's, the keys') with its text."""
    try:
        yield
    except DomainError as exc:
        raise Refused(describe(exc), heading=heading, rows=exc.rows) from None
    except also as exc:
        raise Refused(str(exc), heading=heading) from None
