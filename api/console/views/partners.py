"""机构与合同: the organisations in the caller's scope, each with its contracts (prices, quota), staff and
pairings; forms to register an organisation, a contract and a pairing, through the same services as the API
(`visitsvc.partners`), each problem shown beside its field."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from api.console.blueprint import blp
from api.console.forms import FormReader, FormState
from api.console.web import caller
from api.runtime import uow
from visitsvc.kernel.errors import Conflict, Invalid, NotFound
from visitsvc.model import OrganisationKind, Role, VisitKind
from visitsvc.partners import contracts, organisations, pairings
from visitsvc.partners.contracts import ContractData
from visitsvc.partners.organisations import OrganisationData
from visitsvc.partners.pairings import PairingData
from visitsvc.register.ledger_format import split_list

PAGE_SIZE = 200


@blp.get("/partners", endpoint="partners")
def partner_list() -> ResponseReturnValue:
    return _list_page()


@blp.post("/partners", endpoint="partner_create")
def partner_create() -> ResponseReturnValue:
    form = FormReader()
    name = form.text("name", max_length=100, required=True)
    kind = form.choice("kind", OrganisationKind)
    code = form.text("credit_code", max_length=40, required=True)
    areas = tuple(split_list(form.text("area_codes", max_length=500, required=True) or ""))
    try:
        form.check()
        if name is None or kind is None or code is None:  # form.check() refused these already
            raise Invalid("输入有误")
        data = OrganisationData(
            name=name, kind=kind, credit_code=code, area_codes=areas,
            contact_name=form.text("contact_name", max_length=50),
            contact_phone=form.text("contact_phone", max_length=30),
        )  # fmt: skip
        created = organisations.create_organisation(uow(), caller=caller(), data=data)
    except (Invalid, Conflict) as error:
        return _list_page(FormState.refused("organisation", error))
    except NotFound as error:  # an area outside the caller's: shown on the field, as a missing one
        return _list_page(FormState.refused("organisation", Invalid(error.message, errors=error.errors)))
    flash(f"已登记机构：{created.name}", "ok")
    return redirect(url_for("console.partner", organisation_id=created.id), code=303)


@blp.get("/partners/<id:organisation_id>", endpoint="partner")
def partner_page(organisation_id: int) -> ResponseReturnValue:
    return _page(organisation_id)


@blp.post("/partners/<id:organisation_id>/contracts", endpoint="contract_create")
def contract_create(organisation_id: int) -> ResponseReturnValue:
    form = FormReader()
    code = form.text("code", max_length=40, required=True)
    first, last = form.day("first_day"), form.day("last_day")
    covered = tuple(split_list(form.text("covered_area_codes", max_length=500, required=True) or ""))
    prices = {k: p for k in VisitKind if (p := _price(form, f"prices.{k.value}")) is not None}
    quota = _whole(form, "monthly_quota")
    try:
        form.check()
        if code is None or first is None or last is None or quota is None:  # refused already
            raise Invalid("输入有误")
        data = ContractData(
            code=code, first_day=first, last_day=last, covered_area_codes=covered, prices=prices,
            monthly_quota=quota, pays_not_found=request.form.get("pays_not_found") == "true",
            area_code=form.text("area_code", max_length=20),
        )  # fmt: skip
        contracts.create_contract(uow(), caller=caller(), organisation_id=organisation_id, data=data)
    except (Invalid, Conflict) as error:
        return _page(organisation_id, FormState.refused("contract", error))
    except NotFound as error:  # an area outside the caller's: shown on the field, as a missing one
        return _page(
            organisation_id, FormState.refused("contract", Invalid(error.message, errors=error.errors))
        )
    flash(f"已登记合同：{code}", "ok")
    return redirect(url_for("console.partner", organisation_id=organisation_id), code=303)


@blp.post("/partners/<id:organisation_id>/pairings", endpoint="pairing_create")
def pairing_create(organisation_id: int) -> ResponseReturnValue:
    form = FormReader()
    elder_id = _whole(form, "elder_id")
    first = form.day("first_day")
    last = form.day("last_day", required=False)
    visitor_id = _whole(form, "visitor_id", required=False)
    contract_id = _whole(form, "contract_id", required=False)
    try:
        form.check()
        if elder_id is None or first is None:  # form.check() refused these already
            raise Invalid("输入有误")
        data = PairingData(
            elder_id=elder_id, first_day=first, last_day=last, visitor_id=visitor_id,
            organisation_id=organisation_id, contract_id=contract_id,
        )  # fmt: skip
        pairings.create_pairing(uow(), caller=caller(), data=data)
    except (Invalid, Conflict) as error:
        return _page(organisation_id, FormState.refused("pairing", error))
    except NotFound as error:
        if error.message == "机构不存在":
            raise
        refused = Invalid("输入有误", errors={"elder_id": ["老人不存在或不在您的管辖范围内"]})
        return _page(organisation_id, FormState.refused("pairing", refused))
    flash("已建立结对", "ok")
    return redirect(url_for("console.partner", organisation_id=organisation_id), code=303)


def _price(form: FormReader, name: str) -> Decimal | None:
    raw = form.text(name, max_length=20)
    if raw is None:
        return None
    try:
        return Decimal(raw)
    except InvalidOperation:
        form.errors.setdefault(name, []).append("须为金额（元），最多两位小数")
        return None


def _whole(form: FormReader, name: str, *, required: bool = True) -> int | None:
    raw = form.text(name, max_length=10, required=required)
    if raw is None:
        return None
    if not (raw.isascii() and raw.isdigit()):  # "²" is a digit to str.isdigit, not to int()
        form.errors.setdefault(name, []).append("须为整数")
        return None
    return int(raw)


def _list_page(form: FormState | None = None) -> ResponseReturnValue:
    items, _ = organisations.list_organisations(uow(), caller=caller(), limit=PAGE_SIZE)
    page = render_template(
        "console/partners.html", organisations=items, kinds=list(OrganisationKind), form=form
    )
    return (page, form.status) if form else page


def _page(organisation_id: int, form: FormState | None = None) -> ResponseReturnValue:
    who = caller()
    organisation = organisations.get_organisation(uow(), caller=who, organisation_id=organisation_id)
    staff = organisations.list_staff(uow(), caller=who, organisation_id=organisation_id)
    listed = contracts.list_contracts(uow(), caller=who, organisation_id=organisation_id)
    paired, _ = pairings.list_pairings(uow(), caller=who, organisation_id=organisation_id, limit=PAGE_SIZE)
    page = render_template(
        "console/partner.html", organisation=organisation, contracts=listed, pairings=paired, form=form,
        staff={w.id: w for w in staff}, visitors=[w for w in staff if w.role is Role.VISITOR and w.active],
        kinds=list(VisitKind),
    )  # fmt: skip
    return (page, form.status) if form else page
