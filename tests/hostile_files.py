"""Hostile spreadsheets made by hand, for the upload tests (unit and API): an XLSX is a zip of XML, so
one is made by saving a small workbook and editing its sheet's XML."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Sequence

from openpyxl import Workbook

SHEET = "xl/worksheets/sheet1.xml"


def sheet_xml(content: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return archive.read(SHEET).decode()


def replace_in_zip(content: bytes, member: str, edit: dict[str, str]) -> bytes:
    """The same file with one member's text edited."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(content)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == member:
                text = data.decode()
                for old, new in edit.items():
                    assert old in text, f"{old!r} not in {member}"
                    text = text.replace(old, new)
                data = text.encode()
            dst.writestr(info.filename, data)
    return out.getvalue()


def xlsx_declaring(
    ref: str, rows: Sequence[Sequence[object]] = (("姓名", "身份证号"), ("陈阿婆", "x"))
) -> bytes:
    """A small XLSX as Excel saves it (with a <dimension>), whose sheet claims to span `ref`."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for line in rows:
        sheet.append(list(line))
    out = io.BytesIO()
    book.save(out)
    actual = re.search(r'<dimension ref="([^"]+)"', sheet_xml(out.getvalue()))
    assert actual
    return replace_in_zip(
        out.getvalue(), SHEET, {f'<dimension ref="{actual.group(1)}"': f'<dimension ref="{ref}"'}
    )


def broken_xml(content: bytes) -> bytes:
    """The sheet's XML cut short: a mismatched tag the parser cannot read."""
    return replace_in_zip(content, SHEET, {"</sheetData>": ""})


def xlsx_padded(rows: Sequence[Sequence[object]], ref: str = "A1:XFD3000") -> bytes:
    """The issue's upload: a few real rows, then empty `<row>` elements down to the last row `ref`
    declares. Each compresses to almost nothing, yet a read-only openpyxl pads every one of them out to
    the declared width: 3,000 x 16,384 cells (measured on the old reader: 392 MiB at its peak)."""
    last = int(re.sub(r"^.*:[A-Z]+", "", ref))
    empty = "".join(f'<row r="{i}"/>' for i in range(len(rows) + 1, last + 1))
    return replace_in_zip(xlsx_declaring(ref, rows), SHEET, {"</sheetData>": empty + "</sheetData>"})
