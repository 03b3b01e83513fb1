"""Property-based fuzzing of the whole API from its own OpenAPI document (schemathesis).

Every operation of the document gets a bounded number of generated requests, both
fitting the document and not, made with a branch reviewer's token on an app holding a
few cases, so that small ids name real cases and tasks. Each answer must be no server
error and must match the document: status code, content type, headers and body; and
requests the document does not allow must be refused.

The operations are driven with schemathesis' Hypothesis strategies inside one test
(one subtest each): its pytest plugin (``schemathesis.pytest.from_fixture``) relies on
pytest internals that pytest 9.2 no longer has.
"""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    ignored_auth,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
    unsupported_method,
)

from tests.support.api import api_as, issue_token, start

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    # The operations need a token, refuse what the document does not allow, and
    # answer 405 to methods they do not take.
    ignored_auth,
    negative_data_rejection,
    unsupported_method,
]
# Per operation and per mode (fitting the document, or not).
EXAMPLES = 15
# Who calls each operation: a branch reviewer, except where only another role gets
# past the permission check.
CALLER = {
    "POST /api/v1/definitions": "designer",
    # The reports answer 403 to a branch reviewer: the organisation board reads them.
    "GET /api/v1/reports/targets": "btc",
    "GET /api/v1/reports/pipeline": "btc",
}


def _fuzz(operation, headers: dict) -> None:
    strategy = st.one_of(
        operation.as_strategy(GenerationMode.POSITIVE),
        operation.as_strategy(GenerationMode.NEGATIVE),
    )

    @given(case=strategy)
    @settings(
        max_examples=2 * EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
        print_blob=False,
    )
    def check(case):
        case.call_and_validate(headers=headers, checks=CHECKS)

    check()


def test_api_answers_match_its_document(app, subtests):
    proposer = api_as(app, "dt_tp")
    for _ in range(3):
        start(proposer)
    app.config["API_TOKEN_LIMIT"] = 0  # thousands of requests from one token, on purpose
    tokens = {name: issue_token(app, name) for name in ("cb_tp", *CALLER.values())}
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 11
    for operation in operations:
        token = tokens[CALLER.get(operation.label, "cb_tp")]
        with subtests.test(msg=operation.label):
            _fuzz(operation, {"Authorization": f"Bearer {token}"})
