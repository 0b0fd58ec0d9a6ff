"""Property-based fuzz of the API from its own OpenAPI document (schemathesis).

Every operation gets generated valid (positive) and invalid (negative)
requests with a real bearer token; every answer must be a non-5xx whose
status, content type and body are the ones the document declares.
Bounded by FUZZ_EXAMPLES so the whole run stays well under two minutes.
"""
from __future__ import annotations

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hsettings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (content_type_conformance, response_schema_conformance,
                                               status_code_conformance)

FUZZ_EXAMPLES = int(os.environ.get("REVIEWQ_FUZZ_EXAMPLES", "15"))
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


def client_json(app, path):
    return app.test_client().get(path).get_json()


def _seed(factory):
    """Some drafts in several states and a consent, so small ids hit real rows."""
    staff, ap = factory.user("staff"), factory.approvers()
    factory.draft(staff)
    factory.submit(factory.draft(staff))
    factory.approved_draft(staff, ap)
    return staff


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=["positive", "negative"])
def test_every_operation_answers_as_documented(app, factory, mode):
    _seed(factory)
    fuzzer = factory.user("staff", "comms", "legal")
    headers = {"Authorization": f"Bearer {factory.token(fuzzer)}"}
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    document = client_json(app, "/api/v1/openapi.json")
    failures, operations = [], 0
    for result in schema.get_all_operations():
        op = result.ok()
        declared = document["paths"][op.path][op.method.lower()]
        if mode == GenerationMode.NEGATIVE and not (declared.get("parameters") or declared.get("requestBody")):
            continue  # nothing to make invalid
        operations += 1

        @given(case=op.as_strategy(generation_mode=mode, headers=headers))
        @hsettings(max_examples=FUZZ_EXAMPLES, deadline=None, database=None, derandomize=True,
                   phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
        def run(case):
            response = case.call()
            case.validate_response(response, checks=CHECKS)

        try:
            run()
        except Exception as e:  # collect every operation's failure, not only the first
            failures.append(f"{op.method.upper()} {op.path}: {e}")
    assert operations >= (20 if mode == GenerationMode.POSITIVE else 15)
    assert not failures, "\n\n".join(failures)
