"""`visitsvc import partners FILE`: the 台账 workbook of organisations and staff from the command line, quiet
with --json, every row or none."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.partner_factories import a_credit_code, partner_workbook
from visitsvc.cli.main import main
from visitsvc.infrastructure.spreadsheet import write_csv
from visitsvc.register.ledger_format import AREA_COLUMNS

pytestmark = pytest.mark.db


@pytest.fixture
def runner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("VISITSVC_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.setenv("VISITSVC_SECRET_KEY", "s" * 48)
    runner = CliRunner()
    assert runner.invoke(main, ["db", "upgrade"]).exit_code == 0
    areas = tmp_path / "areas.csv"
    areas.write_bytes(write_csv(AREA_COLUMNS, [["330106", "西湖区", "区县", ""]]))
    assert runner.invoke(main, ["import", "areas", str(areas), "--json"]).exit_code == 0
    return runner


def test_a_workbook_imports_then_reimports_unchanged(runner: CliRunner, tmp_path: Path) -> None:
    code = a_credit_code()
    book = tmp_path / "机构.xlsx"
    book.write_bytes(
        partner_workbook(
            [["区志愿者协会", "志愿服务组织", code, "", "", "330106"]],
            [["vol_1", "赵志愿", "", "探访人员", "志愿者", code, "六日", "步行", "120", "", "", "330106"]],
        )
    )
    first = runner.invoke(main, ["import", "partners", str(book), "--json"])
    assert first.exit_code == 0, first.output
    assert json.loads(first.stdout) == {"created": 2, "updated": 0, "unchanged": 0, "errors": []}
    again = runner.invoke(main, ["import", "partners", str(book), "--json"])
    assert json.loads(again.stdout) == {"created": 0, "updated": 0, "unchanged": 2, "errors": []}


def test_row_errors_come_back_on_stdout_and_the_exit_code_says_no(runner: CliRunner, tmp_path: Path) -> None:
    book = tmp_path / "机构.xlsx"
    book.write_bytes(partner_workbook([["区志愿者协会", "志愿服务组织", "123", "", "", "330106"]], []))
    result = runner.invoke(main, ["import", "partners", str(book), "--json"])
    assert result.exit_code == 1
    assert json.loads(result.stdout)["errors"] == [
        {"row": 2, "column": "机构/统一社会信用代码", "message": "统一社会信用代码须为 18 位"}
    ]
