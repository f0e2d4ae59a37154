"""The 台账 in and out: all or nothing, every bad row named, re-import unchanged, export round trip."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from typing import Any

import pytest
from flask.testing import FlaskClient
from openpyxl import load_workbook

from tests.api.conftest import Headers
from tests.api.console import Console
from tests.factories import District, id_number
from tests.hostile_files import broken_xml, sheet_xml, xlsx_padded
from visitsvc.infrastructure import spreadsheet
from visitsvc.infrastructure.spreadsheet import MAX_COLUMNS, MAX_ROWS, write_csv, write_xlsx
from visitsvc.register.ledger_format import ELDER_COLUMNS, EXPORT_COLUMNS, MASKED_EXPORT_COLUMNS

Login = Callable[[str], Headers]


def row(grid: str, **cells: str) -> dict[str, str]:
    base = {
        "姓名": "陈阿婆",
        "身份证号": id_number(male=False),
        "性别": "女",
        "出生日期": "1940-05-17",
        "联系电话": "13700001111",
        "居住地址": "保俶路8号",
        "经度": "120.1401",
        "纬度": "30.2651",
        "所属网格": grid,
        "类别": "独居、失能",
        "能力等级": "中度失能",
        "残疾等级": "",
        "紧急联系人": "陈明（儿子）",
        "紧急联系电话": "13900002222",
        "探访意愿": "",
        "备注": "",
    }
    base.update(cells)
    return base


def csv_of(rows: list[dict[str, str]], headers: tuple[str, ...] = ELDER_COLUMNS) -> bytes:
    return write_csv(headers, [[r.get(h, "") for h in headers] for r in rows])


def upload(
    client: FlaskClient, headers: Headers, content: bytes, *, name: str = "台账.csv", dry_run: bool = False
) -> Any:
    return client.post(
        "/api/v1/elders/import",
        query_string={"dry_run": str(dry_run).lower()},
        data={"file": (io.BytesIO(content), name)},
        headers=headers,
        content_type="multipart/form-data",
    )


def count(client: FlaskClient, headers: Headers) -> int:
    return len(client.get("/api/v1/elders", query_string={"limit": 200}, headers=headers).json["items"])


def test_a_good_file_is_imported_and_the_same_file_again_changes_nothing(
    client: FlaskClient, district: District, login: Login
) -> None:
    content = csv_of(
        [
            row(district.codes["grid_a1"]),
            row(district.codes["grid_a2"], 姓名="周大爷", 性别="男", 身份证号=id_number(male=True)),
        ]
    )
    first = upload(client, login("sup_a"), content)
    assert first.status_code == 200, first.json
    assert (first.json["created"], first.json["updated"], first.json["unchanged"]) == (2, 0, 0)
    second = upload(client, login("sup_a"), content)
    assert (second.json["created"], second.json["updated"], second.json["unchanged"]) == (0, 0, 2)
    assert count(client, login("sup_a")) == 4


def test_a_dry_run_reports_and_writes_nothing(client: FlaskClient, district: District, login: Login) -> None:
    response = upload(client, login("sup_a"), csv_of([row(district.codes["grid_a1"])]), dry_run=True)
    assert response.json["created"] == 1
    assert response.json["dry_run"] is True
    assert count(client, login("sup_a")) == 2


BAD_CELLS = [
    ({"身份证号": "110105194912310021"}, "身份证号"),
    ({"出生日期": "1941-05-17"}, "出生日期"),
    ({"出生日期": "五月"}, "出生日期"),
    ({"性别": "男"}, "性别"),
    ({"经度": "", "纬度": "30.2651"}, "经度"),
    ({"经度": "东经120"}, "经度"),
    ({"所属网格": "999999999999999"}, "所属网格"),
    ({"所属网格": "330106001001"}, "所属网格"),
    ({"类别": ""}, "类别"),
    ({"类别": "独居、富裕"}, "类别"),
    ({"能力等级": "很好"}, "能力等级"),
    ({"联系电话": "12345"}, "联系电话"),
    ({"姓名": ""}, "姓名"),
    ({"探访意愿": "随便"}, "探访意愿"),
]


@pytest.mark.parametrize(("cells", "column"), BAD_CELLS)
def test_any_bad_row_rejects_the_whole_file_naming_row_and_column(
    client: FlaskClient, district: District, login: Login, cells: dict[str, str], column: str
) -> None:
    good = row(district.codes["grid_a1"])
    bad = row(district.codes["grid_a1"], **cells)
    response = upload(client, login("sup_a"), csv_of([good, bad]))
    assert response.status_code == 422, response.json
    assert {"row": 3, "column": column} in [
        {"row": r["row"], "column": r["column"]} for r in response.json["rows"]
    ]
    assert all(r["row"] == 3 for r in response.json["rows"])
    assert count(client, login("sup_a")) == 2, "nothing of the good row was written"


def test_the_same_id_number_twice_in_a_file_is_an_error(
    client: FlaskClient, district: District, login: Login
) -> None:
    first = row(district.codes["grid_a1"])
    response = upload(client, login("sup_a"), csv_of([first, {**first, "姓名": "别人"}]))
    assert response.status_code == 422
    assert response.json["rows"][0]["row"] == 3
    assert "第 2 行" in response.json["rows"][0]["message"]


def test_a_person_registered_in_another_street_is_an_error_without_details(
    client: FlaskClient, district: District, login: Login
) -> None:
    theirs = row(district.codes["grid_b1"])
    assert upload(client, login("sup_b"), csv_of([theirs])).status_code == 200
    response = upload(client, login("sup_a"), csv_of([{**theirs, "所属网格": district.codes["grid_a1"]}]))
    assert response.status_code == 422
    assert response.json["rows"] == [
        {"row": 2, "column": "身份证号", "message": "该身份证号已在其他地区登记"}
    ]


def test_missing_and_unknown_columns_are_named(client: FlaskClient, district: District, login: Login) -> None:
    headers = (*tuple(h for h in ELDER_COLUMNS if h != "类别"), "序号")
    response = upload(client, login("sup_a"), csv_of([row(district.codes["grid_a1"])], headers))
    assert response.status_code == 422
    columns = {(r["column"], r["message"]) for r in response.json["rows"]}
    assert ("类别", "缺少必需的列") in columns
    assert ("序号", "未知的列") in columns


def test_gcj02_coordinates_are_stored_as_wgs84_and_unknown_locations_are_unverified(
    client: FlaskClient, district: District, login: Login
) -> None:
    headers = (*ELDER_COLUMNS, "坐标系")
    picked = row(district.codes["grid_a1"], 经度="120.1448", 纬度="30.2627", 坐标系="GCJ02")
    unknown = row(district.codes["grid_a1"], 经度="", 纬度="", 姓名="无坐标")
    assert upload(client, login("sup_a"), csv_of([picked, unknown], headers)).status_code == 200
    items = client.get("/api/v1/elders", query_string={"q": "陈阿婆"}, headers=login("sup_a")).json["items"]
    assert abs(items[0]["lon"] - 120.1401) < 0.001
    assert abs(items[0]["lat"] - 30.2651) < 0.001
    nowhere = client.get("/api/v1/elders", query_string={"q": "无坐标"}, headers=login("sup_a")).json[
        "items"
    ][0]
    assert (nowhere["lon"], nowhere["location_verified"]) == (None, False)


def test_xlsx_files_are_read_too(client: FlaskClient, district: District, login: Login) -> None:
    content = write_xlsx(ELDER_COLUMNS, [[row(district.codes["grid_a1"])[h] for h in ELDER_COLUMNS]])
    response = upload(client, login("sup_a"), content, name="台账.xlsx")
    assert response.status_code == 200, response.json
    assert response.json["created"] == 1


@pytest.mark.parametrize(
    ("content", "name"), [(b"\x00\x01garbage", "x.xlsx"), (b"", "x.csv"), (b"a,b\n1,2\n", "x.txt")]
)
def test_unreadable_files_are_422_not_500(
    client: FlaskClient, district: District, login: Login, content: bytes, name: str
) -> None:
    assert upload(client, login("sup_a"), content, name=name).status_code == 422


def test_grid_workers_may_not_import(client: FlaskClient, district: District, login: Login) -> None:
    assert upload(client, login("w_a1"), csv_of([row(district.codes["grid_a1"])])).status_code == 403


def test_an_unmasked_export_imports_back_unchanged(
    client: FlaskClient, district: District, login: Login
) -> None:
    upload(client, login("admin"), csv_of([row(district.codes["grid_a1"], 偏好开始时间="09:00")]))
    exported = client.get(
        "/api/v1/elders/export", query_string={"format": "xlsx", "unmask": "true"}, headers=login("admin")
    )
    assert exported.status_code == 200
    assert exported.headers["Content-Disposition"].startswith("attachment")
    again = upload(client, login("admin"), exported.data, name="export.xlsx")
    assert again.status_code == 200, again.json
    assert (again.json["created"], again.json["updated"], again.json["unchanged"]) == (0, 0, 4)


def test_exports_are_masked_unless_an_admin_asks_and_always_audited(
    client: FlaskClient, district: District, login: Login
) -> None:
    assert client.get("/api/v1/elders/export?unmask=true", headers=login("sup_a")).status_code == 403
    exported = client.get("/api/v1/elders/export", query_string={"format": "xlsx"}, headers=login("sup_a"))
    sheet = load_workbook(io.BytesIO(exported.data)).worksheets[0]
    values = list(sheet.iter_rows(values_only=True))
    assert list(values[0]) == list(MASKED_EXPORT_COLUMNS), "出生年份 in place of 出生日期"
    assert len(values) == 3
    assert all("********" in str(line[1]) for line in values[1:])
    audit = client.get("/api/v1/audit", query_string={"action": "ledger.export"}, headers=login("admin")).json
    assert audit["items"][0]["details"]["rows"] == 2


# Files are hostile until read: no formula goes out, no parsing before the role check, limits before reading


FORMULA_NAME = "=1+2"
FORMULA_NOTE = '=HYPERLINK("http://x","y")'


def test_an_export_never_holds_a_formula_and_imports_back_unchanged(
    client: FlaskClient, district: District, login: Login
) -> None:
    """An elder named `=1+2` stays a name: OWASP's quote in CSV, a text cell in XLSX."""
    person = row(district.codes["grid_a1"], 姓名=FORMULA_NAME, 备注=FORMULA_NOTE)
    assert upload(client, login("sup_a"), csv_of([person])).status_code == 200
    found = client.get("/api/v1/elders", query_string={"q": FORMULA_NAME}, headers=login("sup_a")).json
    assert [e["name"] for e in found["items"]] == [FORMULA_NAME], "stored as typed"
    as_csv = client.get("/api/v1/elders/export", query_string={"format": "csv"}, headers=login("sup_a"))
    lines = list(csv.reader(io.StringIO(as_csv.data.decode("utf-8-sig"), newline="")))
    mine = next(line for line in lines if line[0].endswith(FORMULA_NAME))
    assert (mine[0], mine[EXPORT_COLUMNS.index("备注")]) == ("'" + FORMULA_NAME, "'" + FORMULA_NOTE)
    as_xlsx = client.get("/api/v1/elders/export", query_string={"format": "xlsx"}, headers=login("sup_a"))
    assert "<f>" not in sheet_xml(as_xlsx.data)
    sheet = load_workbook(io.BytesIO(as_xlsx.data)).worksheets[0]
    cells = next(line for line in sheet.iter_rows(min_row=2) if line[0].value == FORMULA_NAME)
    note = cells[EXPORT_COLUMNS.index("备注")]
    assert (cells[0].data_type, note.data_type, note.value) == ("s", "s", FORMULA_NOTE)
    unmasked = client.get(
        "/api/v1/elders/export", query_string={"format": "csv", "unmask": "true"}, headers=login("admin")
    )
    again = upload(client, login("admin"), unmasked.data, name="export.csv")
    assert again.status_code == 200, again.json
    assert (again.json["created"], again.json["updated"]) == (0, 0), "the quote is undone on the way in"


@pytest.fixture
def unread(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any attempt to parse an upload fails the test."""

    def refuse(*_args: object) -> None:
        raise AssertionError("the file was read")

    monkeypatch.setattr(spreadsheet, "_read_xlsx", refuse)
    monkeypatch.setattr(spreadsheet, "_read_csv", refuse)


def test_a_grid_worker_is_refused_before_the_file_is_read(
    client: FlaskClient, district: District, login: Login, unread: None
) -> None:
    """An XLSX declaring A1:XFD3000 made the old import pad 49 million cells before its 403."""
    huge = xlsx_padded([ELDER_COLUMNS, list(row(district.codes["grid_a1"]).values())])
    response = upload(client, login("w_a1"), huge, name="台账.xlsx")
    assert response.status_code == 403, response.json
    console = Console(client)
    console.login("w_a1")
    for path in ("/console/ledger/check", "/console/ledger/import"):
        page = console.post(
            path, {"file": (io.BytesIO(huge), "台账.xlsx")}, form_page="/console/login",
            content_type="multipart/form-data",
        )  # fmt: skip
        assert page.status_code == 403, path


def test_a_sheet_declaring_a_huge_range_is_refused_before_it_is_read(
    client: FlaskClient, district: District, login: Login
) -> None:
    huge = xlsx_padded([ELDER_COLUMNS, list(row(district.codes["grid_a1"]).values())])
    response = upload(client, login("sup_a"), huge, name="台账.xlsx")
    assert response.status_code == 422
    assert response.json["code"] == "too_many_columns"
    assert f"{MAX_COLUMNS} 列" in response.json["message"]
    assert response.json["rows"][0]["row"] == 1


def test_a_file_over_the_row_limit_is_refused_before_any_row_is_checked(
    client: FlaskClient, district: District, login: Login
) -> None:
    content = ("姓名\n" + "陈阿婆\n" * (MAX_ROWS + 1)).encode()
    response = upload(client, login("sup_a"), content)
    assert response.status_code == 422
    assert (response.json["code"], len(response.json["rows"])) == ("too_many_rows", 1)
    assert f"{MAX_ROWS} 行" in response.json["message"]


def test_a_broken_xlsx_is_422_with_a_message(client: FlaskClient, district: District, login: Login) -> None:
    content = broken_xml(
        write_xlsx(ELDER_COLUMNS, [[row(district.codes["grid_a1"])[h] for h in ELDER_COLUMNS]])
    )
    response = upload(client, login("sup_a"), content, name="台账.xlsx")
    assert response.status_code == 422
    assert response.json["code"] == "unreadable_file"
    assert "XLSX" in response.json["message"]
