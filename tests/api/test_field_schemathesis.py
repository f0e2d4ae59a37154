"""schemathesis against /openapi.json, in process: the field endpoints with a grid worker's token, the
register and the auth endpoints with a supervisor's, never answer 5xx and every answer matches its documented
status, content type and schema. Kept small and derandomized; a larger exploratory run (every operation but
the console's, three roles, 50 cases each way, SQLite and PostgreSQL) found what test_out_of_range.py,
test_hostile_json.py and test_openapi.py pin."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.schemas import APIOperation, BaseSchema
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.api.conftest import Headers
from tests.factories import District
from tests.fieldwork import at, plan_day, visit_body
from visitsvc.infrastructure.uow import UnitOfWork

FIELD_PATHS = r"^/api/v1/(me/route|me/sync|me/call-ahead|appointments|visits|health)"
# The register with every operation that answers about an ID number, and the auth endpoints (not logout:
# it would end the session the other cases use).
REGISTER_PATHS = r"^/api/v1/(elders|me/password|auth/token|auth/refresh)"
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
MODES = [GenerationMode.POSITIVE, GenerationMode.NEGATIVE]


@pytest.fixture
def api(app: Flask) -> BaseSchema:
    return schemathesis.openapi.from_wsgi("/openapi.json", app)


def fuzz(schema: BaseSchema, headers: Headers, mode: GenerationMode, *, max_examples: int) -> list[str]:
    """Every operation of `schema` through its own hypothesis strategy; the operations run.

    schemathesis.pytest.from_fixture reads a pytest internal that pytest 9 no longer has, so the operations
    are driven by hand. schemathesis' WSGI transport asks for gzip but does not decompress: ask for the plain
    body."""
    headers = {**headers, "Accept-Encoding": "identity"}
    ran = []
    for result in schema.get_all_operations():
        operation = result.ok()
        if mode is GenerationMode.NEGATIVE and not _can_be_wrong(operation):
            continue  # no parameter, body or token to get wrong (the health check)

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(
            max_examples=max_examples,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            derandomize=True,
        )
        def run(case: schemathesis.Case) -> None:
            case.call_and_validate(headers=headers, checks=CHECKS)

        run()
        ran.append(f"{operation.method.upper()} {operation.path}")
    return ran


def _can_be_wrong(operation: APIOperation) -> bool:
    definition = operation.definition.raw
    return bool(
        definition.get("parameters") or definition.get("requestBody") or definition.get("security") != []
    )


@pytest.mark.parametrize("mode", MODES)
def test_field_endpoints_answer_no_5xx_and_as_documented(
    app: Flask,
    api: BaseSchema,
    district: District,
    uow: UnitOfWork,
    login: Callable[[str], Headers],
    mode: GenerationMode,
) -> None:
    # A day with stops and a recorded visit, so that the fuzzer meets real ids too.
    day = date(2026, 11, 25)
    plan_day(uow, worker_id=district.accounts["w_a1"], day=day, elder_ids=[district.elders["elder_a1"]])
    body = visit_body(elder_id=district.elders["elder_a1"], start=at(day, 9))
    assert app.test_client().post("/api/v1/visits", json=body, headers=login("w_a1")).status_code == 201

    ran = fuzz(api.include(path_regex=FIELD_PATHS), login("w_a1"), mode, max_examples=10)
    assert len(ran) >= 5


@pytest.mark.parametrize("mode", MODES)
def test_register_and_auth_endpoints_answer_no_5xx_and_as_documented(
    api: BaseSchema, district: District, login: Callable[[str], Headers], mode: GenerationMode
) -> None:
    # The fuzzer cannot change sup_a's password (it never sends the current one) nor end the session; its
    # wrong logins and wrong current passwords soon meet the throttle (429), which it checks too.
    ran = fuzz(api.include(path_regex=REGISTER_PATHS), login("sup_a"), mode, max_examples=20)
    assert {"POST /api/v1/elders/lookup", "POST /api/v1/me/password", "POST /api/v1/auth/token"} <= set(ran)
    assert "POST /api/v1/auth/refresh" in ran
    assert len(ran) >= 12
