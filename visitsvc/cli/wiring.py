"""What every command is wired to: the settings (data keys installed), a unit of work, a progress bar.

A command reads its settings here, never with load_settings() itself: the keyring of the encrypted columns
is installed with them (docs/adr/0013).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import click

from visitsvc.config import ConfigError, Settings, load_settings
from visitsvc.infrastructure.uow import UnitOfWork, make_engine, session_factory
from visitsvc.kernel import crypto


def settings() -> Settings:
    try:
        cfg = load_settings()
        crypto.install(cfg.keyring())  # the keys of the encrypted columns (docs/adr/0013)
        return cfg
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from None


def unit_of_work(cfg: Settings) -> UnitOfWork:
    return UnitOfWork(session_factory(make_engine(cfg.database_url)))


@contextmanager
def progress_bar(label: str, *, quiet: bool) -> Iterator[Callable[[int, int], None]]:
    """A progress bar on a terminal; nothing when quiet or when output goes to a file."""
    if quiet or not sys.stderr.isatty():
        yield lambda _done, _total: None
        return
    state: dict[str, Any] = {}

    def update(done: int, total: int) -> None:
        if "bar" not in state:
            state["bar"] = click.progressbar(length=total, label=label, file=sys.stderr)
            state["bar"].__enter__()
        state["bar"].update(done - state.get("done", 0))
        state["done"] = done

    try:
        yield update
    finally:
        if "bar" in state:
            state["bar"].__exit__(None, None, None)
