"""`visitsvc set-password`: an account's password, set by the operator."""

from __future__ import annotations

import sys

import click

from visitsvc.access.scoping import Caller
from visitsvc.cli.output import refusals
from visitsvc.cli.wiring import settings, unit_of_work
from visitsvc.kernel.errors import DomainError
from visitsvc.register import workers


def _rules_broken(exc: DomainError) -> str:
    """Which password rules the new one breaks, rather than the refusal's heading."""
    return "; ".join(m for ms in exc.errors.values() for m in ms) or exc.message


@click.command("set-password")
@click.argument("account")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def set_password(account: str, password_stdin: bool) -> None:
    """Give an account a (new) password; its open sessions end, and its owner must choose their own at the
    next login (POST /api/v1/me/password, or the console's 修改密码 page)."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = click.prompt("新密码", hide_input=True, confirmation_prompt=True)
    with refusals(describe=_rules_broken):
        workers.set_password(
            unit_of_work(settings()), caller=Caller.system(), account=account, password=password
        )
    click.echo(f"已为 {account} 设置密码（首次登录后须修改）", err=True)
