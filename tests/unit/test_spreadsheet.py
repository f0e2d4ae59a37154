"""Files in and out (infrastructure.spreadsheet): no exported cell is ever a formula, and an upload is refused
by its declared or real size before it costs anything, and with a message when it is broken."""

from __future__ import annotations

import csv
import io
import zipfile
from decimal import Decimal

import openpyxl
import pytest
from openpyxl import Workbook, load_workbook

from tests.hostile_files import SHEET, broken_xml, replace_in_zip, sheet_xml, xlsx_declaring, xlsx_padded
from visitsvc.infrastructure import spreadsheet
from visitsvc.infrastructure.spreadsheet import (
    MAX_COLUMNS,
    MAX_ROWS,
    csv_cell,
    read_table,
    write_csv,
    write_xlsx,
    xlsx_row,
)
from visitsvc.kernel.errors import Invalid

FORMULAS = ["=1+2", '=HYPERLINK("http://x","y")', "+1+2", "-1+2", "@SUM(A1)", "\t=1", "\r=1"]


def csv_cells(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))


def refusal(content: bytes, name: str = "台账.xlsx") -> Invalid:
    with pytest.raises(Invalid) as refused:
        read_table(content, name)
    assert [r.message for r in refused.value.rows] == [refused.value.message]
    return refused.value


# Exports: OWASP's rule for CSV, text cells for XLSX


@pytest.mark.parametrize("text", FORMULAS)
def test_csv_text_that_starts_like_a_formula_gets_a_leading_quote(text: str) -> None:
    assert csv_cell(text) == "'" + text
    assert csv_cells(write_csv(["姓名"], [[text]]))[1] == ["'" + text]


@pytest.mark.parametrize("text", ["陈阿婆", "1+2", "a=b", "13700001111", "'quoted", ""])
def test_csv_text_that_cannot_be_a_formula_is_written_as_given(text: str) -> None:
    assert csv_cell(text) == text


def test_csv_numbers_stay_numbers_even_negative_ones() -> None:
    assert [csv_cell(v) for v in (-5, -1.5, 3.0, 0, Decimal("-2.50"))] == ["-5", "-1.5", "3", "0", "-2.50"]
    assert csv_cell("-5") == "'-5", "text is judged as text"
    assert csv_cell(None) == ""


def test_an_exported_csv_reads_back_as_it_was_written() -> None:
    table = read_table(write_csv(["姓名", "备注"], [[text, "x"] for text in FORMULAS]), "x.csv")
    assert [cells["姓名"] for _, cells in table.rows] == [t.strip() for t in FORMULAS]


def test_openpyxl_on_its_own_would_store_a_formula() -> None:
    """Why xlsx_row exists: openpyxl 3.1 turns any string starting with "=" into a live formula."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet("x")
    sheet.append(["=1+2"])
    out = io.BytesIO()
    book.save(out)
    assert "<f>1+2</f>" in sheet_xml(out.getvalue())


@pytest.mark.parametrize("text", [*FORMULAS, "#N/A", "#DIV/0!"])
def test_xlsx_text_is_stored_as_text_never_as_a_formula(text: str) -> None:
    content = write_xlsx(["姓名", "编号"], [[text, 7]])
    assert "<f>" not in sheet_xml(content)
    cell, number = load_workbook(io.BytesIO(content)).worksheets[0][2][:2]
    assert cell.data_type == "s"
    assert str(cell.value).lstrip() == text.lstrip(), "XML keeps a leading tab or line break as whitespace"
    assert (number.data_type, number.value) == ("n", 7), "numbers keep their type"


def test_xlsx_text_that_starts_like_a_formula_stays_text_when_edited_in_excel() -> None:
    book = load_workbook(io.BytesIO(write_xlsx(["姓名"], [["=1+2"], ["陈阿婆"]])))
    sheet = book.worksheets[0]
    assert (sheet["A2"].quotePrefix, sheet["A3"].quotePrefix) == (True, False)


def test_xlsx_rows_work_on_an_ordinary_sheet_too() -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(xlsx_row(sheet, ["=1+2", -3, 2.5]))
    assert [(c.data_type, c.value) for c in sheet[1]] == [("s", "=1+2"), ("n", -3), ("n", 2.5)]


def test_control_characters_that_xlsx_cannot_hold_are_dropped_not_a_crash() -> None:
    content = write_xlsx(["姓名"], [["陈\x01阿婆\x1f"]])
    assert load_workbook(io.BytesIO(content)).worksheets[0]["A2"].value == "陈阿婆"


# Uploads: limits before reading, only the header's columns, broken files are Invalid


def test_openpyxl_parses_with_defusedxml() -> None:
    assert openpyxl.DEFUSEDXML is True


def test_a_sheet_declaring_more_columns_than_allowed_is_refused_before_reading() -> None:
    assert refusal(xlsx_padded([["姓名"], ["陈阿婆"]])).code == "too_many_columns"


def test_a_sheet_declaring_more_rows_than_allowed_is_refused_before_reading() -> None:
    assert refusal(xlsx_declaring(f"A1:B{MAX_ROWS + 2}")).code == "too_many_rows"


def test_a_sheet_declaring_exactly_the_limit_is_read() -> None:
    table = read_table(xlsx_declaring(f"A1:{openpyxl.utils.get_column_letter(MAX_COLUMNS)}{MAX_ROWS + 1}"))
    assert table.headers == ["姓名", "身份证号"]
    assert table.rows == [(2, {"姓名": "陈阿婆", "身份证号": "x"})]


def test_a_sheet_whose_declared_size_lies_is_stopped_at_the_row_limit() -> None:
    content = xlsx_declaring("A1:B2")
    far = MAX_ROWS + 5
    cell = f'<row r="{far}"><c r="A{far}" t="inlineStr"><is><t>x</t></is></c></row></sheetData>'
    assert refusal(replace_in_zip(content, SHEET, {"</sheetData>": cell})).code == "too_many_rows"


def test_only_the_headers_columns_are_read() -> None:
    content = xlsx_declaring("A1:B2", [["姓名", "身份证号"], ["陈阿婆", "x", "stray", *["y"] * MAX_COLUMNS]])
    table = read_table(content)
    assert table.rows == [(2, {"姓名": "陈阿婆", "身份证号": "x"})]


def test_a_header_wider_than_the_limit_is_refused() -> None:
    wide = [f"列{i}" for i in range(MAX_COLUMNS + 1)]
    assert refusal(write_csv(wide, [wide]), "x.csv").code == "too_many_columns"
    assert refusal(write_xlsx(wide, [wide])).code == "too_many_columns"
    assert (
        read_table(write_csv(wide[:MAX_COLUMNS], [wide[:MAX_COLUMNS]]), "x.csv").headers == wide[:MAX_COLUMNS]
    )


def test_a_csv_over_the_row_limit_is_refused_and_one_at_it_is_read() -> None:
    at_limit = "姓名\n" + "x\n" * MAX_ROWS
    assert len(read_table(at_limit.encode(), "x.csv").rows) == MAX_ROWS
    assert refusal((at_limit + "x\n").encode(), "x.csv").code == "too_many_rows"


def test_an_xlsx_unpacking_past_the_limit_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    content = write_xlsx(["姓名"], [["陈阿婆"]])
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        size = sum(i.file_size for i in archive.infolist())
    monkeypatch.setattr(spreadsheet, "MAX_UNPACKED_BYTES", size - 1)
    assert refusal(content).code == "file_too_large"


def _billion_laughs() -> str:
    entities = '<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{i} "{("&lol;" if i == 1 else f"&lol{i - 1};") * 10}">' for i in range(1, 10)
    )
    return f'<?xml version="1.0"?><!DOCTYPE lolz [{entities}]>'


def _broken_files() -> dict[str, tuple[bytes, str]]:
    good = write_xlsx(["姓名"], [["陈阿婆"]])
    other_zip = io.BytesIO()
    with zipfile.ZipFile(other_zip, "w") as archive:
        archive.writestr("readme.txt", "not a workbook")
    bomb = replace_in_zip(
        good,
        SHEET,
        {"<worksheet ": _billion_laughs() + "<worksheet ", "<t>陈阿婆</t>": "<t>&lol9;</t>"},
    )
    return {
        "zip that is not an xlsx": (other_zip.getvalue(), "x.xlsx"),
        "truncated xlsx": (good[: len(good) // 2], "x.xlsx"),
        "xlsx with broken xml": (broken_xml(good), "x.xlsx"),
        "xml bomb": (bomb, "x.xlsx"),
        "garbage named xlsx": (b"\x00\x01garbage", "x.xlsx"),
        "csv in no known encoding": (b"\xff\xfe\xfa\xfb,\x81\x30\n", "x.csv"),
        "empty file": (b"", "x.csv"),
    }


@pytest.mark.parametrize("broken", list(_broken_files()))
def test_a_broken_file_is_invalid_with_a_message(broken: str) -> None:
    content, name = _broken_files()[broken]
    refused = refusal(content, name)
    assert refused.message
