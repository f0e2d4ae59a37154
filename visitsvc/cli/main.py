"""The operator's command line: `visitsvc --help` (the entry point of pyproject.toml).

This module is the group and the list of its commands; each command group lives in its own module.
"""

from __future__ import annotations

from typing import Any

import click

from visitsvc.cli.accounts import set_password
from visitsvc.cli.database import db_group
from visitsvc.cli.jobs import notify_command, scheduler_group
from visitsvc.cli.keys import keys_group
from visitsvc.cli.planning import calendar_group, plan_command, replan_command
from visitsvc.cli.register import import_command
from visitsvc.cli.retention import retention_group
from visitsvc.cli.simulate import simulate_command
from visitsvc.infrastructure import tracebacks


class _Commands(click.Group):
    """An unexpected error is told by its type and frames only (tracebacks): a command's stderr ends
    up in a log (cron mail, the journal), and an error's text may hold personal data."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise
        except Exception as exc:
            click.echo(tracebacks.safe_traceback(exc), err=True)
            raise click.ClickException(f"意外错误：{tracebacks.describe(exc)}") from None


@click.group(cls=_Commands)
def main() -> None:
    """visitsvc: the register of elders to visit, their monthly plan and the visits made."""


# One module per command group (see the imports above); click lists them sorted in --help.
for command in (
    db_group,
    import_command,
    set_password,
    plan_command,
    replan_command,
    calendar_group,
    retention_group,
    scheduler_group,
    notify_command,
    simulate_command,
    keys_group,
):
    main.add_command(command)
