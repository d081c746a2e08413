"""Schemathesis against the tracker's OpenAPI document, in-process: generated requests,
valid and not, never get a 5xx, and answers match the schemas the document declares.
With every check it has (`--checks all`: what the document calls invalid is refused,
what it calls valid is accepted, 405s carry `Allow`) it runs with schemathesis.toml beside
this file: the few rules OpenAPI 3.0 cannot state, each named there."""
from __future__ import annotations

from pathlib import Path

import pytest

schemathesis = pytest.importorskip("schemathesis")

from hypothesis import HealthCheck, Phase, given, settings  # noqa: E402

from schemathesis.checks import not_a_server_error, response_schema_conformance  # noqa: E402

from shared.auth import HEADER  # noqa: E402

MAX_EXAMPLES = 30
EVERY_CHECK_CONFIG = Path(__file__).with_name("schemathesis.toml")
CHECKS = (not_a_server_error, response_schema_conformance)


def fuzz_operations(schema, headers: dict, max_examples: int = MAX_EXAMPLES, call=None,
                    checks=CHECKS) -> tuple[int, list[str]]:
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
            case.validate_response(response, checks=list(checks) if checks else None, headers=headers)

        try:
            run()
        except (Exception, BaseExceptionGroup) as exc:  # one line per operation: every broken one is listed
            failures.append(f"{operation.method.upper()} {operation.path}: {str(exc).strip()[:600]}")
    return ran, failures


def every_check_config():
    """The settings of the runs with every check (schemathesis.toml beside this file)."""
    return schemathesis.config.SchemathesisConfig.from_path(EVERY_CHECK_CONFIG)


def test_the_tracker_api_survives_generated_requests(make_service):
    svc = make_service("tracker")
    for body in ({"company": "Acme", "role": "Engineer"}, {"company": "Initech", "role": "Analyst"}):
        assert svc.post("/applications", body).status_code == 201
    schema = schemathesis.openapi.from_wsgi("/openapi.json", svc.app)
    ran, failures = fuzz_operations(schema, {HEADER: svc.token("alice")})
    assert ran >= 20, f"only {ran} operations in the document"
    assert failures == [], "\n".join(failures)


def test_the_tracker_api_passes_every_schemathesis_check(make_service):
    svc = make_service("tracker")
    assert svc.post("/applications", {"company": "Acme", "role": "Engineer"}).status_code == 201
    schema = schemathesis.openapi.from_wsgi("/openapi.json", svc.app, config=every_check_config())
    ran, failures = fuzz_operations(schema, {HEADER: svc.token("alice")}, checks=None)
    assert failures == [], "\n".join(failures)
