"""Schemathesis against the tracker's OpenAPI document, in-process: generated requests,
valid and not, never get a 5xx, and answers match the schemas the document declares."""
from __future__ import annotations

import pytest

schemathesis = pytest.importorskip("schemathesis")

from hypothesis import HealthCheck, Phase, given, settings  # noqa: E402
from schemathesis.checks import not_a_server_error, response_schema_conformance  # noqa: E402

from shared.auth import HEADER  # noqa: E402

MAX_EXAMPLES = 30
CHECKS = (not_a_server_error, response_schema_conformance)


def fuzz_operations(schema, headers: dict, max_examples: int = MAX_EXAMPLES, call=None) -> tuple[int, list[str]]:
    """Run every operation of `schema`; (operations run, one line per failure)."""
    failures, ran = [], 0
    for result in schema.get_all_operations():
        operation = result.ok()
        ran += 1

        @given(case=operation.as_strategy())
        @settings(max_examples=max_examples, deadline=None, database=None, derandomize=True,
                  phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
        def run(case):
            response = call(case) if call else case.call(headers=headers)
            case.validate_response(response, checks=CHECKS, headers=headers)

        try:
            run()
        except Exception as exc:  # one line per operation, so every broken one is listed at once
            failures.append(f"{operation.method.upper()} {operation.path}: {str(exc).strip()[:600]}")
    return ran, failures


def test_the_tracker_api_survives_generated_requests(make_service):
    svc = make_service("tracker")
    for body in ({"company": "Acme", "role": "Engineer"}, {"company": "Initech", "role": "Analyst"}):
        assert svc.post("/applications", body).status_code == 201
    schema = schemathesis.openapi.from_wsgi("/openapi.json", svc.app)
    ran, failures = fuzz_operations(schema, {HEADER: svc.token("alice")})
    assert ran >= 20, f"only {ran} operations in the document"
    assert failures == [], "\n".join(failures)
