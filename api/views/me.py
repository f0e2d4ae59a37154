"""Who one is, for any logged-in account."""

from __future__ import annotations

from flask.views import MethodView

from api.blueprint import Blueprint
from api.runtime import caller, uow
from api.schemas.auth import ProfileSchema
from visitsvc.accounts import profile

blp = Blueprint("me", __name__, url_prefix="/api/v1", description="本人账号")


@blp.route("/me")
class Me(MethodView):
    @blp.response(200, ProfileSchema)
    def get(self) -> profile.Profile:
        """One's own account: name, role, worker id, area or grids (for the phone app's header, and to bind
        the records it keeps offline to this account)."""
        return profile.my_profile(uow(), caller=caller())
