from __future__ import annotations

from typing import Any

from flask.views import MethodView

from api.blueprint import Blueprint
from api.runtime import caller, uow
from api.schemas.partners import (
    PairingEndSchema,
    PairingInSchema,
    PairingPageSchema,
    PairingQuery,
    PairingSchema,
)
from visitsvc.partners import pairings
from visitsvc.partners.pairings import PairingData, PairingRead

blp = Blueprint("pairings", __name__, url_prefix="/api/v1/pairings", description="结对帮扶")


@blp.route("")
class Pairings(MethodView):
    @blp.arguments(PairingQuery, location="query")
    @blp.response(200, PairingPageSchema)
    def get(self, query: dict[str, Any]) -> dict[str, Any]:
        """Pairings of the people the caller sees, by person, visitor or organisation."""
        items, next_id = pairings.list_pairings(
            uow(), caller=caller(), elder_id=query["elder_id"], visitor_id=query["visitor_id"],
            organisation_id=query["organisation_id"], limit=query["limit"], after_id=query["cursor"],
        )  # fmt: skip
        return {"items": items, "next_cursor": next_id}

    @blp.arguments(PairingInSchema)
    @blp.response(201, PairingSchema)
    def post(self, body: dict[str, Any]) -> PairingRead:
        """Pair a person with a visitor or an organisation (one pairing in force per person: 409)."""
        return pairings.create_pairing(uow(), caller=caller(), data=PairingData(**body))


@blp.route("/<id:pairing_id>/end")
class PairingEnd(MethodView):
    @blp.arguments(PairingEndSchema)
    @blp.response(200, PairingSchema)
    def post(self, body: dict[str, Any], pairing_id: int) -> PairingRead:
        """End a pairing on `last_day` (default today)."""
        return pairings.end_pairing(uow(), caller=caller(), pairing_id=pairing_id, last_day=body["last_day"])
