"""The rows of a 台账 file as the importers read them: numbered as the clerk's spreadsheet, and every problem
under the column the clerk sees."""

from __future__ import annotations

from visitsvc.infrastructure.spreadsheet import Table
from visitsvc.kernel.errors import RowError
from visitsvc.register.ledger_format import ELDER_FIELD_COLUMN, field_errors, row_readers


def test_each_row_keeps_its_spreadsheet_number_and_which_of_its_cells_excel_stored_as_numbers() -> None:
    table = Table(
        headers=["姓名", "联系电话"],
        rows=[(2, {"姓名": "陈阿婆", "联系电话": "13900001111"}), (5, {"姓名": "王大爷", "联系电话": ""})],
        numeric_columns={2: frozenset({"联系电话"})},
    )
    readers = list(row_readers(table))
    assert [(r.row, r.text("姓名"), r.numeric_columns) for r in readers] == [
        (2, "陈阿婆", frozenset({"联系电话"})),
        (5, "王大爷", frozenset()),
    ]


def test_a_field_problem_is_told_under_its_column_and_an_unknown_field_under_its_own_name() -> None:
    errors = {"id_number": ["校验位不正确"], "phone": ["须为 11 位手机号", "须以 1 开头"], "extra": ["未知"]}
    assert field_errors(7, errors, ELDER_FIELD_COLUMN) == [
        RowError(7, "身份证号", "校验位不正确"),
        RowError(7, "联系电话", "须为 11 位手机号"),
        RowError(7, "联系电话", "须以 1 开头"),
        RowError(7, "extra", "未知"),
    ]
