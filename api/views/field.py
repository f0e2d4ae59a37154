"""A grid worker's phone: the day's route, outcomes recorded once and only once, offline sync, photos."""

from __future__ import annotations

import uuid
from typing import Any

from flask import request
from flask.views import MethodView
from flask_smorest.fields import Upload

from api.blueprint import Blueprint
from api.runtime import caller, runtime, uow
from api.schemas.common import ErrorSchema, StrictSchema
from api.schemas.owed import OwedPageSchema, OwedQuery
from api.schemas.route import DayRouteSchema, RouteQuery
from api.schemas.visits import (
    PhotoOutSchema,
    SyncInSchema,
    SyncOutSchema,
    VisitInSchema,
    VisitOutSchema,
    to_input,
)
from visitsvc.field import appointments, owed_this_month, todays_route, visit_photos, visits
from visitsvc.field.owed_this_month import OwedPage
from visitsvc.field.todays_route import DayRoute
from visitsvc.field.visit_photos import PhotoRead
from visitsvc.field.visits import VisitRead
from visitsvc.kernel.errors import Invalid

blp = Blueprint("field", __name__, url_prefix="/api/v1", description="外勤：当日路线、探访记录、离线同步")

IDEMPOTENCY_KEY = "Idempotency-Key"
IDEMPOTENCY_PARAMETER = {
    "in": "header",
    "name": IDEMPOTENCY_KEY,
    "required": False,
    "schema": {"type": "string", "format": "uuid"},
    "description": "与 client_id 相同（二者都给时须一致）",
}


class PhotoFileSchema(StrictSchema):
    file = Upload(required=True)


@blp.route("/me/route")
class MyRoute(MethodView):
    @blp.etag
    @blp.arguments(RouteQuery, location="query")
    @blp.response(200, DayRouteSchema)
    def get(self, query: dict[str, Any]) -> tuple[DayRoute, int, dict[str, str]]:
        """The caller's stops of a day (default today) in the current plan version, in route order.

        Send the last ETag in If-None-Match: an unchanged route answers 304 with no body. The answer is
        never stored by a cache (no-store: names, addresses, phones, emergency contacts); the app keeps its
        own copy. A stop's phone and its emergency contact's phone are unmasked, each audited once a day.

        `next_day` is the first later day with stops (this month's and next month's current plans), for the
        app to fetch ahead and open on a day without stops. With `since_version` (the plan_version the phone
        holds for this day), a newer current version adds `changes`: the day's stops added, removed and
        moved since, by visit_id; otherwise `changes` is null.
        """
        day = todays_route.day_route(
            uow(), caller=caller(), day=query["date"], since_version=query["since_version"]
        )
        return day, 200, {"Cache-Control": "no-store"}


@blp.route("/me/owed")
class MyOwed(MethodView):
    @blp.arguments(OwedQuery, location="query")
    @blp.response(200, OwedPageSchema)
    def get(self, query: dict[str, Any]) -> OwedPage:
        """本月待访: the caller's people not yet covered this month (default: the current month in Beijing
        time), of their grids and those the plan gives them from others: what is owed, why it is not done
        yet, the next planned day and kind, and whether that visit is the caller's. Counted as the missed
        list counts. Ordered by elder id; pass `next_cursor` back. Grid workers only (others 403)."""
        return owed_this_month.owed_this_month(
            uow(), caller=caller(), month=query["month"], limit=query["limit"], after_id=query["cursor"]
        )


@blp.route("/visits")
class Visits(MethodView):
    @blp.arguments(VisitInSchema)
    @blp.doc(parameters=[IDEMPOTENCY_PARAMETER])
    @blp.response(201, VisitOutSchema)
    @blp.alt_response(200, schema=VisitOutSchema, description="已记录过（同一 client_id、同一内容）：原结果")
    @blp.alt_response(409, schema=ErrorSchema, description="同一 client_id 已用于内容不同的记录")
    def post(self, body: dict[str, Any]) -> tuple[VisitRead, int]:
        """Record an outcome, exactly once per client_id (or Idempotency-Key header)."""
        visit = to_input(body, _client_id(body))
        rules = runtime().settings.field_rules
        recorded = visits.record_visit(uow(), caller=caller(), visit=visit, rules=rules)
        return recorded.visit, 201 if recorded.created else 200


@blp.route("/visits/<id:visit_id>")
class VisitItem(MethodView):
    @blp.response(200, VisitOutSchema)
    def get(self, visit_id: int) -> VisitRead:
        """One of the caller's own records, as recorded."""
        return visits.get_visit(uow(), caller=caller(), visit_id=visit_id)


@blp.route("/visits/<id:visit_id>/photos")
class VisitPhotos(MethodView):
    @blp.arguments(PhotoFileSchema, location="files")
    @blp.response(201, PhotoOutSchema)
    @blp.alt_response(200, schema=PhotoOutSchema, description="同一张照片已上传过")
    @blp.alt_response(413, schema=ErrorSchema, description="照片过大")
    def post(self, files: dict[str, Any], visit_id: int) -> tuple[PhotoRead, int]:
        """Add a JPEG, PNG or WebP photo (checked by its bytes) to one of the caller's records."""
        rules = runtime().settings.field_rules
        data = files["file"].read(rules.max_photo_bytes + 1)  # one byte more tells "too large"
        photo, created = visit_photos.add_photo(
            uow(), caller=caller(), visit_id=visit_id, data=data, rules=rules
        )
        return photo, 201 if created else 200


@blp.route("/me/sync")
class MySync(MethodView):
    @blp.arguments(SyncInSchema)
    @blp.response(200, SyncOutSchema)
    def post(self, body: dict[str, Any]) -> dict[str, Any]:
        """Records kept offline, up to 200, in any order, duplicates and retries included.

        One result per record, in order: created, duplicate, conflict or rejected (with field errors). Each
        record is stored in its own transaction, so a bad one never loses the others. `appointments` made
        offline are stored the same way, one result each (created, duplicate, conflict, invalid, not_found).
        """
        rules = runtime().settings.field_rules
        results = visits.sync(uow(), caller=caller(), items=body["records"], rules=rules)
        booked = appointments.sync_appointments(uow(), caller=caller(), items=body["appointments"])
        return {"results": results, "appointments": booked}


def _client_id(body: dict[str, Any]) -> str:
    """The body's client_id or the Idempotency-Key header: either, or both if they agree."""
    header = request.headers.get(IDEMPOTENCY_KEY)
    from_header = None
    if header is not None:
        try:
            from_header = str(uuid.UUID(header.strip()))
        except ValueError:
            raise Invalid("输入有误", errors={IDEMPOTENCY_KEY: ["须为 UUID"]}) from None
    from_body = None if body["client_id"] is None else str(body["client_id"])
    if from_body and from_header and from_body != from_header:
        raise Invalid("输入有误", errors={"client_id": [f"与 {IDEMPOTENCY_KEY} 不一致"]})
    client_id = from_body or from_header
    if client_id is None:
        raise Invalid("输入有误", errors={"client_id": [f"须给出 client_id 或 {IDEMPOTENCY_KEY}"]})
    return client_id
