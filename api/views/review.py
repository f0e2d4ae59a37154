"""A supervisor's queues and decisions over HTTP; every rule is in oversight.review_queues/decisions."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView

from api.blueprint import Blueprint
from api.runtime import caller, uow
from api.schemas.common import ErrorSchema
from api.schemas.review import (
    ConfirmSchema,
    FlagPageSchema,
    FlagQuery,
    FlagSchema,
    FollowUpPageSchema,
    FollowUpPatchSchema,
    FollowUpQuery,
    FollowUpSchema,
    NoteSchema,
    ProposalPageSchema,
    ProposalQuery,
    ProposalSchema,
    QuarantineQuery,
    RecordPageSchema,
    RecordSchema,
    RefusalInSchema,
    RefusalSchema,
    VoidSchema,
)
from visitsvc.oversight import decisions, review_queues
from visitsvc.oversight.decisions import RecordItem, RefusalRead
from visitsvc.oversight.review_queues import FlagRead, FollowUpItem, ProposalItem

blp = Blueprint(
    "review", __name__, url_prefix="/api/v1", description="督导：核查标记、跟进事项、状态变更与其他决定"
)


@blp.route("/flags")
class Flags(MethodView):
    @blp.arguments(FlagQuery, location="query")
    @blp.response(200, FlagPageSchema)
    def get(self, query: dict[str, Any]) -> dict[str, Any]:
        """Proof-of-visit flags of the area: too far, poor accuracy, too short, a proposed location."""
        items, next_id = review_queues.list_flags(
            uow(), caller=caller(), month=query["month"], area_code=query["area"], state=query["state"],
            limit=query["limit"], after_id=query["cursor"],
        )  # fmt: skip
        return {"items": items, "next_cursor": next_id}


@blp.route("/flags/<id:flag_id>/accept")
class FlagAccept(MethodView):
    @blp.response(200, FlagSchema)
    def post(self, flag_id: int) -> FlagRead:
        """Take a proposed home location: it becomes the elder's verified location (audited)."""
        return review_queues.accept_location(uow(), caller=caller(), flag_id=flag_id)


@blp.route("/flags/<id:flag_id>/dismiss")
class FlagDismiss(MethodView):
    @blp.response(200, FlagSchema)
    def post(self, flag_id: int) -> FlagRead:
        """Close a flag after looking into it; a visit found false is voided instead."""
        return review_queues.dismiss_flag(uow(), caller=caller(), flag_id=flag_id)


@blp.route("/followups")
class FollowUps(MethodView):
    @blp.arguments(FollowUpQuery, location="query")
    @blp.response(200, FollowUpPageSchema)
    def get(self, query: dict[str, Any]) -> dict[str, Any]:
        """Follow-ups, urgent first, then oldest first; without `status`, the open and in-progress ones."""
        items, after = review_queues.list_follow_ups(
            uow(), caller=caller(), area_code=query["area"], status=query["status"], month=query["month"],
            limit=query["limit"], after=query["cursor"],
        )  # fmt: skip
        return {"items": items, "next_cursor": after}


@blp.route("/followups/<id:follow_up_id>")
class FollowUpItemView(MethodView):
    @blp.arguments(FollowUpPatchSchema)
    @blp.response(200, FollowUpSchema)
    @blp.alt_response(
        409,
        schema=ErrorSchema,
        description="不允许的状态变化（只能 open → in_progress → closed，关闭后不能再变）",
    )
    def patch(self, body: dict[str, Any], follow_up_id: int) -> FollowUpItem:
        return review_queues.update_follow_up(
            uow(), caller=caller(), follow_up_id=follow_up_id, status=body["status"], note=body["note"]
        )


@blp.route("/status-proposals")
class Proposals(MethodView):
    @blp.arguments(ProposalQuery, location="query")
    @blp.response(200, ProposalPageSchema)
    def get(self, query: dict[str, Any]) -> dict[str, Any]:
        """Status changes proposed by visits (hospitalised, deceased, moved out); default: pending."""
        items, next_id = review_queues.list_proposals(
            uow(), caller=caller(), area_code=query["area"], state=query["state"], limit=query["limit"],
            after_id=query["cursor"],
        )  # fmt: skip
        return {"items": items, "next_cursor": next_id}


@blp.route("/status-proposals/<id:proposal_id>/confirm")
class ProposalConfirm(MethodView):
    @blp.arguments(ConfirmSchema)
    @blp.response(200, ProposalSchema)
    def post(self, body: dict[str, Any], proposal_id: int) -> ProposalItem:
        """Apply the proposed status from the effective date the supervisor decides (history, audit)."""
        return review_queues.confirm_proposal(
            uow(), caller=caller(), proposal_id=proposal_id, effective_date=body["effective_date"],
            note=body["note"],
        )  # fmt: skip


@blp.route("/status-proposals/<id:proposal_id>/reject")
class ProposalReject(MethodView):
    @blp.arguments(NoteSchema)
    @blp.response(200, ProposalSchema)
    def post(self, body: dict[str, Any], proposal_id: int) -> ProposalItem:
        return review_queues.reject_proposal(
            uow(), caller=caller(), proposal_id=proposal_id, note=body["note"]
        )


@blp.route("/quarantine")
class Quarantine(MethodView):
    @blp.arguments(QuarantineQuery, location="query")
    @blp.response(200, RecordPageSchema)
    def get(self, query: dict[str, Any]) -> dict[str, Any]:
        """Records that arrived after the lateness limit: kept, not counted, until decided."""
        items, next_id = decisions.list_quarantine(
            uow(), caller=caller(), area_code=query["area"], month=query["month"], limit=query["limit"],
            after_id=query["cursor"],
        )  # fmt: skip
        return {"items": items, "next_cursor": next_id}


@blp.route("/quarantine/<id:visit_id>/accept")
class QuarantineAccept(MethodView):
    @blp.arguments(NoteSchema)
    @blp.response(200, RecordSchema)
    def post(self, body: dict[str, Any], visit_id: int) -> RecordItem:
        """The late record counts in the month it started in."""
        return decisions.accept_quarantined(uow(), caller=caller(), visit_id=visit_id, note=body["note"])


@blp.route("/quarantine/<id:visit_id>/reject")
class QuarantineReject(MethodView):
    @blp.arguments(NoteSchema)
    @blp.response(200, RecordSchema)
    def post(self, body: dict[str, Any], visit_id: int) -> RecordItem:
        """The late record is kept and never counts."""
        return decisions.reject_quarantined(uow(), caller=caller(), visit_id=visit_id, note=body["note"])


@blp.route("/visits/<id:visit_id>/void")
class VisitVoid(MethodView):
    @blp.arguments(VoidSchema)
    @blp.response(200, RecordSchema)
    def post(self, body: dict[str, Any], visit_id: int) -> RecordItem:
        """A visit recorded by mistake: kept, no longer counted; why and by whom are recorded."""
        return decisions.void_visit(uow(), caller=caller(), visit_id=visit_id, reason=body["reason"])


@blp.route("/elders/<id:elder_id>/refuses-contact")
class RefusesContact(MethodView):
    @blp.arguments(RefusalInSchema)
    @blp.response(201, RefusalSchema)
    def post(self, body: dict[str, Any], elder_id: int) -> RefusalRead:
        """The person refuses all contact (not a willingness value): not coverable from that month on."""
        return decisions.mark_refuses_contact(
            uow(), caller=caller(), elder_id=elder_id, reason=body["reason"], since=body["since"]
        )

    @blp.response(204)
    def delete(self, elder_id: int) -> None:
        """The refusal is withdrawn: the person is coverable again."""
        decisions.withdraw_refusal(uow(), caller=caller(), elder_id=elder_id)
