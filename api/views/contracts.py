from __future__ import annotations

from typing import Any

from flask.views import MethodView

from api.blueprint import Blueprint
from api.runtime import caller, uow
from api.schemas.partners import ContractPatchSchema, ContractSchema
from api.views.organisations import contract_data
from visitsvc.partners import contracts
from visitsvc.partners.contracts import ContractRead

blp = Blueprint("contracts", __name__, url_prefix="/api/v1/contracts", description="政府购买服务合同")


@blp.route("/<id:contract_id>")
class ContractItem(MethodView):
    @blp.response(200, ContractSchema)
    def get(self, contract_id: int) -> ContractRead:
        return contracts.get_contract(uow(), caller=caller(), contract_id=contract_id)

    @blp.arguments(ContractPatchSchema(partial=True))
    @blp.response(200, ContractSchema)
    def patch(self, body: dict[str, Any], contract_id: int) -> ContractRead:
        """Change a contract; its period must still hold its pairings' days (409 otherwise)."""
        return contracts.update_contract(
            uow(), caller=caller(), contract_id=contract_id, changes=contract_data(body)
        )
