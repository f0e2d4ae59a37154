"""Tables in and out of CSV and XLSX files, as clerks make them with Excel or WPS.

Cells come back as text: the rules of what a cell may hold live with the columns, not here.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time

from openpyxl import Workbook, load_workbook

from visitsvc.errors import Invalid, RowError

XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_MEDIA_TYPE = "text/csv; charset=utf-8"
# Excel on Chinese Windows saves "CSV" in GB18030 unless told otherwise; UTF-8 is tried first.
_ENCODINGS = ("utf-8-sig", "gb18030")


@dataclass(frozen=True, slots=True)
class Table:
    headers: list[str]
    rows: list[tuple[int, dict[str, str]]]  # (spreadsheet row number, header -> text)
    numeric_columns: dict[int, frozenset[str]] = field(default_factory=dict)  # cells Excel stored as numbers


def read_table(data: bytes, filename: str = "") -> Table:
    if data[:4] == b"PK\x03\x04" or filename.lower().endswith(".xlsx"):
        return _read_xlsx(data)
    return _read_csv(data)


def _fail(message: str) -> Invalid:
    return Invalid(message, code="unreadable_file", rows=[RowError(1, "", message)])


def _read_csv(data: bytes) -> Table:
    for encoding in _ENCODINGS:
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise _fail("文件编码无法识别，请另存为 UTF-8 编码的 CSV")
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        lines = list(reader)
    except csv.Error as exc:
        raise _fail(f"CSV 格式错误：{exc}") from None
    return _table(lines, {})


def _read_xlsx(data: bytes) -> Table:
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError):
        raise _fail("无法读取 XLSX 文件，请确认文件未损坏且为 .xlsx 格式") from None
    try:
        sheet = book.worksheets[0]
        lines: list[list[str]] = []
        numeric: dict[int, list[int]] = {}
        for row_number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
            cells = []
            for col, value in enumerate(row):
                if isinstance(value, int | float) and not isinstance(value, bool):
                    numeric.setdefault(row_number, []).append(col)
                cells.append(_cell_text(value))
            lines.append(cells)
    finally:
        book.close()
    return _table(lines, numeric)


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat(sep=" ")
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _table(lines: list[list[str]], numeric: dict[int, list[int]]) -> Table:
    if not lines or not any(cell.strip() for cell in lines[0]):
        raise _fail("文件为空或缺少表头")
    headers = [cell.strip() for cell in lines[0]]
    while headers and not headers[-1]:
        headers.pop()
    rows: list[tuple[int, dict[str, str]]] = []
    numeric_columns: dict[int, frozenset[str]] = {}
    for row_number, line in enumerate(lines[1:], start=2):
        if not any(cell.strip() for cell in line):
            continue  # blank lines at the end of a sheet are not rows
        padded = [*line, *[""] * (len(headers) - len(line))]
        rows.append((row_number, {h: padded[i].strip() for i, h in enumerate(headers) if h}))
        if row_number in numeric:
            numeric_columns[row_number] = frozenset(
                headers[c] for c in numeric[row_number] if c < len(headers)
            )
    return Table(headers, rows, numeric_columns)


def write_csv(headers: Sequence[str], rows: Iterable[Sequence[str]]) -> bytes:
    """UTF-8 with a BOM, which is what makes Excel open Chinese CSV correctly."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(headers)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8-sig")


def write_xlsx(headers: Sequence[str], rows: Iterable[Sequence[str]], *, title: str = "台账") -> bytes:
    """Every cell as text, so ID numbers and phones are never turned into numbers by Excel."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title)
    sheet.append(list(headers))
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
