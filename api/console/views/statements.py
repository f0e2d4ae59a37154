"""结算单: an organisation's statement of a month, its visits paid and excluded with the reasons, and the XLSX
(by the service behind `GET /api/v1/organisations/{id}/statements/{month}.xlsx`, audited); and a visit's
photos, each photo's bytes served through the person's scope and audited (`visit.photo_view`)."""

from __future__ import annotations

from flask import Response, render_template
from flask.typing import ResponseReturnValue

from api.console.blueprint import blp
from api.console.web import caller, int_arg, month_arg
from api.downloads import attachment
from api.runtime import runtime, uow
from visitsvc.kernel.month import Month
from visitsvc.model import labels
from visitsvc.oversight import photo_viewing
from visitsvc.settlement import statement_xlsx, statements


@blp.get("/statements")
def statements_page() -> ResponseReturnValue:
    who = caller()
    month = month_arg() or Month.of(runtime().clock.today())
    organisations = statements.visible_organisations(uow(), caller=who)
    chosen = int_arg("organisation") or (organisations[0].id if organisations else None)
    statement = (
        None
        if chosen is None
        else statements.get_statement(uow(), caller=who, organisation_id=chosen, month=month)
    )
    return render_template(
        "console/statements.html",
        month=month,
        organisations=organisations,
        chosen=chosen,
        statement=statement,
        kinds=labels.KIND_LABELS,
        outcomes=labels.OUTCOME_LABELS,
        flags=labels.FLAG_LABELS,
        flag_states=statement_xlsx.FLAG_STATE_LABELS,
    )


@blp.post("/statements/download")
def statement_download() -> ResponseReturnValue:
    """A POST like every export here: audited by the service, never a link a browser prefetches."""
    month = month_arg() or Month.of(runtime().clock.today())
    organisation = int_arg("organisation") or 0
    export = statements.export_statement(uow(), caller=caller(), organisation_id=organisation, month=month)
    return attachment(export)


@blp.get("/visits/<id:visit_id>/photos")
def visit_photos(visit_id: int) -> ResponseReturnValue:
    photos = photo_viewing.list_photos(uow(), caller=caller(), visit_id=visit_id)
    return render_template("console/visit_photos.html", visit_id=visit_id, photos=photos)


@blp.get("/photos/<id:photo_id>")
def photo(photo_id: int) -> ResponseReturnValue:
    """The bytes as stored, for an <img> of the page above; each load audited by the service."""
    found = photo_viewing.view_photo(uow(), caller=caller(), photo_id=photo_id)
    return Response(
        found.data,
        mimetype=found.content_type,
        headers={"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"},
    )
