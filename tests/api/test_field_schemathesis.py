"""schemathesis against /openapi.json, in process, with a grid worker's token: the field endpoints never
answer 5xx and every answer matches the documented schema. Kept small: a handful of cases per operation."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.schemas import BaseSchema
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.api.conftest import Headers
from tests.factories import District
from tests.fieldwork import at, plan_day, visit_body
from visitsvc.uow import UnitOfWork

FIELD_PATHS = r"^/api/v1/(me/route|me/sync|visits|health)"
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture
def field_api(app: Flask, district: District, uow: UnitOfWork, login: Callable[[str], Headers]) -> BaseSchema:
    """A day with stops and a recorded visit, so that the fuzzer meets real ids too."""
    day = date(2026, 11, 25)
    plan_day(uow, worker_id=district.accounts["w_a1"], day=day, elder_ids=[district.elders["elder_a1"]])
    body = visit_body(elder_id=district.elders["elder_a1"], start=at(day, 9))
    assert app.test_client().post("/api/v1/visits", json=body, headers=login("w_a1")).status_code == 201
    return schemathesis.openapi.from_wsgi("/openapi.json", app).include(path_regex=FIELD_PATHS)


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_field_endpoints_answer_no_5xx_and_as_documented(
    field_api: BaseSchema, login: Callable[[str], Headers], mode: GenerationMode
) -> None:
    # schemathesis.pytest.from_fixture reads a pytest internal that pytest 9 no longer has, so the operations
    # are driven by hand, each through its own hypothesis strategy.
    # schemathesis' WSGI transport asks for gzip but does not decompress: ask for the plain body.
    headers = {**login("w_a1"), "Accept-Encoding": "identity"}
    operations = [result.ok() for result in field_api.get_all_operations()]
    assert len(operations) >= 5

    for operation in operations:

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(max_examples=10, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
        def run(case: schemathesis.Case) -> None:
            case.call_and_validate(headers=headers, checks=CHECKS)

        run()
