"""Tables in and out of CSV and XLSX files, as clerks make them with Excel or WPS.

Cells come back as text: the rules of what a cell may hold live with the columns, not here.

Files come from outside and go back out to Excel, so both ways are guarded here, in one place:
- reading refuses a file past MAX_ROWS data rows or MAX_COLUMNS columns before it is read (an XLSX sheet's
  declared `<dimension>` is checked first, then the rows as they stream), reads only the header's columns,
  and turns every broken file into `Invalid` (422), never an exception from the parser;
- writing goes through `csv_cell` / `xlsx_row`, so no cell is ever a formula (OWASP's CSV injection rule).
"""

from __future__ import annotations

import csv
import io
import zipfile
import zlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any, TypeVar
from xml.etree.ElementTree import ParseError

from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.worksheet import Worksheet

from visitsvc.kernel.errors import Invalid, RowError

T = TypeVar("T")
XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_MEDIA_TYPE = "text/csv; charset=utf-8"
# Excel on Chinese Windows saves "CSV" in GB18030 unless told otherwise; UTF-8 is tried first.
_ENCODINGS = ("utf-8-sig", "gb18030")

MAX_ROWS = 50_000  # data rows in one file; a district's whole register is well under this
MAX_COLUMNS = 40  # the 台账 has 19 columns, the other ledgers fewer
# What an XLSX may unpack to: our own 50,000-row 台账 export unpacks to 55 MiB, a zip bomb to gigabytes.
MAX_UNPACKED_BYTES = 160 * 1024 * 1024

# What Excel, WPS and LibreOffice start a formula with (OWASP, "CSV Injection").
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# What a broken XLSX makes openpyxl, zipfile or the XML parser raise (defusedxml's refusals are ValueErrors).
_BROKEN_XLSX = (
    zipfile.BadZipFile,
    zlib.error,
    InvalidFileException,
    ParseError,
    KeyError,
    ValueError,
    TypeError,
    IndexError,
    AttributeError,
    EOFError,
    OSError,
)


@dataclass(frozen=True, slots=True)
class Table:
    headers: list[str]
    rows: list[tuple[int, dict[str, str]]]  # (spreadsheet row number, header -> text)
    numeric_columns: dict[int, frozenset[str]] = field(default_factory=dict)  # cells Excel stored as numbers


def read_table(data: bytes, filename: str = "") -> Table:
    if data[:4] == b"PK\x03\x04" or filename.lower().endswith(".xlsx"):
        return _read_xlsx(data)
    return _read_csv(data)


def _fail(message: str, code: str = "unreadable_file") -> Invalid:
    return Invalid(message, code=code, rows=[RowError(1, "", message)])


def _too_many_rows() -> Invalid:
    return _fail(f"文件超过 {MAX_ROWS} 行数据，请分成多个文件导入", "too_many_rows")


def _too_many_columns() -> Invalid:
    return _fail(f"文件超过 {MAX_COLUMNS} 列，请删除台账以外的列后再导入", "too_many_columns")


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
    lines: list[list[str]] = []
    width = MAX_COLUMNS
    try:
        for line in reader:
            if not lines:
                width = _header_width(line)
            elif len(lines) > MAX_ROWS:
                raise _too_many_rows()
            lines.append([_unquote(cell) for cell in line[:width]])
    except csv.Error as exc:
        raise _fail(f"CSV 格式错误：{exc}") from None
    return _table(lines, {})


def _header_width(header: Sequence[object]) -> int:
    width = len(header)
    while width and (header[width - 1] is None or not str(header[width - 1]).strip()):
        width -= 1
    if width > MAX_COLUMNS:
        raise _too_many_columns()
    return width


def _unquote(cell: str) -> str:
    """Undo `csv_cell`'s guard, so an exported CSV imports back as it was."""
    return cell[1:] if cell.startswith("'") and cell[1:].startswith(FORMULA_START) else cell


def _read_xlsx(data: bytes) -> Table:
    return _read_book(data, lambda book: _read_sheet(book.worksheets[0]))


def read_sheets(data: bytes, names: Sequence[str]) -> dict[str, Table]:
    """The sheets of an XLSX workbook called `names` (a missing one: Invalid), with every guard of
    `read_table`: a 台账 of several parts, such as organisations and their staff."""

    def sheets(book: Any) -> dict[str, Table]:
        missing = [n for n in names if n not in book.sheetnames]
        if missing:
            raise _fail(f"工作簿缺少工作表：{'、'.join(missing)}", "invalid_file")
        return {n: _read_sheet(book[n]) for n in names}

    return _read_book(data, sheets)


def _read_book(data: bytes, read: Callable[[Any], T]) -> T:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except _BROKEN_XLSX:
        raise _fail("无法读取 XLSX 文件，请确认文件未损坏且为 .xlsx 格式") from None
    if unpacked > MAX_UNPACKED_BYTES:  # zipfile never inflates a member past its declared size
        raise _fail("XLSX 文件解压后过大，请只保留台账数据后另存", "file_too_large")
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except _BROKEN_XLSX:
        raise _fail("无法读取 XLSX 文件，请确认文件未损坏且为 .xlsx 格式") from None
    try:
        return read(book)
    except _BROKEN_XLSX:
        raise _fail("XLSX 文件内容已损坏，请用 Excel 或 WPS 打开后重新保存") from None
    finally:
        book.close()


def _read_sheet(sheet: Any) -> Table:
    # The declared size first: read-only openpyxl pads every row it meets out to the declared width, so
    # 3,000 empty <row>s under `A1:XFD3000` cost 49 million cells (and a few KB of zip) before this check.
    if (sheet.max_row or 0) > MAX_ROWS + 1:
        raise _too_many_rows()
    if (sheet.max_column or 0) > MAX_COLUMNS:
        raise _too_many_columns()
    header = next(sheet.iter_rows(max_row=1, max_col=MAX_COLUMNS + 1, values_only=True), ())
    width = _header_width(header)
    lines: list[list[str]] = [[_cell_text(value) for value in header[:width]]]
    numeric: dict[int, list[int]] = {}
    if width == 0:
        return _table(lines, numeric)
    # The declared size may lie: stop one row past the limit whatever it says, and read only as far right
    # as the header goes. Missing rows come back empty, so a row far below still counts against the limit.
    rows = sheet.iter_rows(min_row=2, max_row=MAX_ROWS + 2, max_col=width, values_only=True)
    for row_number, row in enumerate(rows, start=2):
        if row_number > MAX_ROWS + 1:
            raise _too_many_rows()
        cells = []
        for col, value in enumerate(row):
            if isinstance(value, int | float) and not isinstance(value, bool):
                numeric.setdefault(row_number, []).append(col)
            cells.append(_cell_text(value))
        lines.append(cells)
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


def csv_cell(value: object) -> str:
    """A value as CSV text that no spreadsheet runs: text starting like a formula gets a leading `'`
    (OWASP's rule, which Excel shows as text); numbers stay numbers, negative ones too."""
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return _cell_text(value)
    text = _cell_text(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def xlsx_row(sheet: Worksheet | WriteOnlyWorksheet, values: Iterable[object]) -> list[Cell]:
    """Cells for `sheet.append` (plain or write-only sheet): text is always stored as text, never as a
    formula (openpyxl stores any string starting with `=` as one) nor as an error value like `#N/A`;
    numbers and dates keep their type."""
    return [_xlsx_cell(sheet, value) for value in values]


def _xlsx_cell(sheet: Worksheet | WriteOnlyWorksheet, value: object) -> Cell:
    if isinstance(value, int | float | Decimal | datetime | date | time) and not isinstance(value, bool):
        return Cell(sheet, row=1, column=1, value=value)  # append() moves it into place
    # Control characters cannot be stored in XLSX at all (openpyxl raises): they are dropped.
    text = ILLEGAL_CHARACTERS_RE.sub("", _cell_text(value))
    cell = Cell(sheet, row=1, column=1, value=text)
    cell.data_type = "s"
    if text.startswith(FORMULA_START):
        cell.quotePrefix = True  # and stays text when someone edits it in Excel
    return cell


def add_sheet(book: Workbook, title: str, headers: Sequence[str], rows: Iterable[Sequence[object]]) -> None:
    """A sheet of a report: bold headers frozen on top, columns as wide as their headers, every cell through
    `xlsx_row` (names and notes are typed by people: never a formula)."""
    sheet = book.create_sheet(title)
    top = xlsx_row(sheet, headers)
    for cell in top:
        cell.font = Font(bold=True)
    sheet.append(top)
    for row in rows:
        sheet.append(xlsx_row(sheet, row))
    sheet.freeze_panes = "A2"
    for index, header in enumerate(headers, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(10, 2 * len(header) + 2)


def write_csv(headers: Sequence[object], rows: Iterable[Sequence[object]]) -> bytes:
    """UTF-8 with a BOM, which is what makes Excel open Chinese CSV correctly."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([csv_cell(h) for h in headers])
    writer.writerows([csv_cell(v) for v in row] for row in rows)
    return out.getvalue().encode("utf-8-sig")


def write_xlsx(headers: Sequence[object], rows: Iterable[Sequence[object]], *, title: str = "台账") -> bytes:
    """Every cell as text, so ID numbers and phones are never turned into numbers by Excel."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title)
    sheet.append(xlsx_row(sheet, headers))
    for row in rows:
        sheet.append(xlsx_row(sheet, row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
