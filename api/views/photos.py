"""A visit's photos shown back to supervisors: the list, and each photo's bytes (each view audited)."""

from __future__ import annotations

from flask import Response
from flask.views import MethodView

from api.blueprint import Blueprint
from api.runtime import caller, uow
from api.schemas.common import FILE
from api.schemas.statements import PhotoEntrySchema
from visitsvc.oversight import photo_viewing
from visitsvc.oversight.photo_viewing import PhotoEntry

blp = Blueprint("photos", __name__, url_prefix="/api/v1", description="督导：查看探访照片")


@blp.route("/visits/<id:visit_id>/photos")
class VisitPhotos(MethodView):
    @blp.response(200, PhotoEntrySchema(many=True))
    def get(self, visit_id: int) -> list[PhotoEntry]:
        """The visit's photos, without their bytes. Supervisors and admins of the person's area."""
        return photo_viewing.list_photos(uow(), caller=caller(), visit_id=visit_id)


@blp.route("/photos/<id:photo_id>")
class PhotoBytes(MethodView):
    @blp.response(200, FILE, content_type="image/jpeg")
    def get(self, photo_id: int) -> Response:
        """One photo's bytes as stored (JPEG, PNG or WebP), never cached. Audited (`visit.photo_view`)."""
        photo = photo_viewing.view_photo(uow(), caller=caller(), photo_id=photo_id)
        return Response(
            photo.data,
            mimetype=photo.content_type,
            headers={
                "Cache-Control": "no-store",
                "X-Content-Type-Options": "nosniff",
                "Content-Disposition": f'inline; filename="photo-{photo.id}"',
            },
        )
