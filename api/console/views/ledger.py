"""台账: check a file (the ledger service's dry run: counts, or every bad row), then import it; export the
register. The file goes up twice, check then import, and is never kept between them: the import checks it
again, all or nothing, so a file changed in between cannot slip through."""

from __future__ import annotations

from flask import render_template, request
from flask.typing import ResponseReturnValue

from api.console.blueprint import blp
from api.console.pickers import areas_of
from api.console.web import arg, bool_arg, caller
from api.downloads import attachment
from api.runtime import uow
from visitsvc.kernel.errors import Invalid, invalid_field
from visitsvc.register.ledger_export import export_elders
from visitsvc.register.ledger_format import LedgerKind
from visitsvc.register.ledger_import import import_file


@blp.get("/ledger", endpoint="ledger")
def ledger_page() -> ResponseReturnValue:
    return render_template("console/ledger.html", areas=areas_of(caller()), result=None, error=None)


@blp.post("/ledger/check")
def ledger_check() -> ResponseReturnValue:
    return _import(dry_run=True)


@blp.post("/ledger/import")
def ledger_import() -> ResponseReturnValue:
    return _import(dry_run=False)


def _import(*, dry_run: bool) -> ResponseReturnValue:
    who = caller()
    upload = request.files.get("file")
    name = (upload.filename or "") if upload else ""
    if upload is None or not name:
        raise invalid_field("file", "请选择文件")
    if not name.lower().endswith((".csv", ".xlsx")):
        raise invalid_field("file", "仅支持 .csv 或 .xlsx 文件")
    # Only the result travels back to the check form's script: the page around it is not needed.
    template = "console/ledger_result.html" if request.headers.get("X-Fragment") else "console/ledger.html"
    try:
        result = import_file(
            uow(), caller=who, kind=LedgerKind.ELDERS, data=upload.read(), filename=name, dry_run=dry_run
        )
    except Invalid as error:
        return render_template(
            template, areas=areas_of(who), result=None, error=error, filename=name, dry_run=dry_run
        ), 422
    return render_template(
        template, areas=areas_of(who), result=result, error=None, filename=name, dry_run=dry_run
    )


@blp.post("/ledger/export")
def ledger_export() -> ResponseReturnValue:
    fmt = arg("format") or "xlsx"
    if fmt not in ("xlsx", "csv"):
        raise invalid_field("format", "须为 xlsx 或 csv")
    export = export_elders(
        uow(), caller=caller(), area_code=arg("area"), fmt=fmt, unmask=bool_arg("unmask") or False
    )
    return attachment(export)
