"""How every command ends: one way to print a result, one way to print a service's refusal."""

from __future__ import annotations

from collections.abc import Iterator

import click
import pytest
from click.testing import CliRunner

from visitsvc.cli.output import Refused, refusals, report
from visitsvc.kernel.errors import Conflict, Invalid, RowError


def run(body: click.Command) -> click.testing.Result:
    return CliRunner().invoke(body, [])


def never_built() -> Iterator[str]:
    raise AssertionError("the text was built under --json")
    yield ""


def test_as_json_the_body_is_one_line_on_stdout_and_the_text_is_never_built() -> None:
    @click.command()
    def command() -> None:
        report({"月份": "2026-12", "visits": 3}, never_built(), as_json=True)

    result = run(command)
    assert result.exit_code == 0, result.output
    assert result.stdout == '{"月份": "2026-12", "visits": 3}\n'
    assert result.stderr == ""


def test_as_text_each_line_goes_to_stdout_or_when_it_only_tells_what_was_done_to_stderr() -> None:
    @click.command()
    def command() -> None:
        report({}, ["计划新版本 v2", "  未能安排：缺席 1"], as_json=False)
        report({}, ["导入完成"], as_json=False, text_to_stderr=True)

    result = run(command)
    assert (result.stdout, result.stderr) == ("计划新版本 v2\n  未能安排：缺席 1\n", "导入完成\n")


def test_dates_are_written_as_text_only_when_asked() -> None:
    from datetime import date

    @click.command()
    def command() -> None:
        report({"on": date(2026, 12, 8)}, (), as_json=True, json_default=str)

    assert run(command).stdout == '{"on": "2026-12-08"}\n'


def test_a_refusal_is_exit_1_and_its_message_on_stderr_as_click_words_it() -> None:
    @click.command()
    def command() -> None:
        with refusals():
            raise Conflict("2027-01 尚无计划", rows=[RowError(2, "日期", "not shown without a heading")])

    result = run(command)
    assert (result.exit_code, result.stdout, result.stderr) == (1, "", "Error: 2027-01 尚无计划\n")


def test_a_refused_file_is_told_under_its_heading_with_one_line_per_bad_cell() -> None:
    @click.command()
    def command() -> None:
        with refusals(heading="导入失败"):
            raise Invalid(
                "文件中有 2 处错误",
                rows=[RowError(2, "日期", "不是日期"), RowError(3, "类型", "须为 休 或 班")],
            )

    result = run(command)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert (
        result.stderr
        == "导入失败：文件中有 2 处错误\n  第 2 行 [日期] 不是日期\n  第 3 行 [类型] 须为 休 或 班\n"
    )


def test_describe_chooses_what_of_the_refusal_to_tell() -> None:
    @click.command()
    def command() -> None:
        with refusals(describe=lambda exc: "; ".join(m for ms in exc.errors.values() for m in ms)):
            raise Invalid("输入有误", errors={"password": ["密码至少 12 位"]})

    assert run(command).stderr == "Error: 密码至少 12 位\n"


def test_the_also_errors_are_refusals_told_by_their_text_and_any_other_error_is_not_a_refusal() -> None:
    class CopyFailed(Exception):
        pass

    with pytest.raises(Refused) as refused, refusals(also=(CopyFailed,)):
        raise CopyFailed("pg_dump not found")
    assert (refused.value.message, refused.value.exit_code) == ("pg_dump not found", 1)
    with pytest.raises(KeyError), refusals(also=(CopyFailed,)):
        raise KeyError("a defect, told by main's traceback handler")
