"""The REST API fuzzed from its own OpenAPI schema (what /api/schema/ serves), in-process through Django's WSGI
handler, with an API token (and Alertmanager's bearer token for its intake): no answer is a 5xx, and every answer
is one the schema documents, of the documented media type and shape.

Bounded: MAX_EXAMPLES generated cases per operation and phase, seeded (the same cases each run), plus the
schema's own examples and its coverage cases (boundaries, nulls, wrong types: a fixed set per operation).
"""

from __future__ import annotations

import json
import os
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.factories import make_event, make_pending_approval, make_user

MAX_EXAMPLES = 25
SEED = 17
AM_TOKEN = "am-token-for-schemathesis"
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


class InTestWSGIHandler(WSGIHandler):
    """Django's WSGI handler keeping the test's database connection: it closes connections as a request starts and
    ends, which would end the test's transaction. Django's own test client does the same."""

    def __call__(self, environ: dict[str, Any], start_response: Any) -> list[bytes]:
        signals.request_started.disconnect(close_old_connections)
        signals.request_finished.disconnect(close_old_connections)
        try:
            response = super().__call__(environ, start_response)
            body = b"".join(response)
            response.close()
        finally:
            signals.request_started.connect(close_old_connections)
            signals.request_finished.connect(close_old_connections)
        return [body]


def _schema() -> Any:
    """The schema /api/schema/ serves (same generator and hooks), without a request: it is read at collection."""
    document = json.loads(OpenApiJsonRenderer().render(SchemaGenerator().get_schema(request=None, public=True)))
    config = schemathesis.config.SchemathesisConfig.from_dict({"seed": SEED,
                                                               "generation": {"max-examples": MAX_EXAMPLES}})
    # The schema's own endpoint is drf-spectacular's view, which answers in OpenAPI's media types.
    loaded = schemathesis.openapi.from_dict(document, config=config).exclude(path="/api/schema/")
    loaded.app = InTestWSGIHandler()  # through the whole middleware chain, in this thread (the test's database)
    return loaded


schema = _schema()


@pytest.fixture
def tokens(db: Any, settings: Any) -> dict[str, str]:
    """Credentials, and a few objects for the generated ids to find."""
    settings.ALERTMANAGER_TOKEN = AM_TOKEN
    user = make_user("schemathesis", "incidents.change_incident", "remediation.approve_medium")
    make_event()
    make_pending_approval()
    return {"api": f"Token {Token.objects.get_or_create(user=user)[0].key}", "alertmanager": f"Bearer {AM_TOKEN}"}


@schema.parametrize()
@settings(deadline=None, suppress_health_check=list(HealthCheck), database=None)
def test_the_api_answers_as_its_schema_says_and_never_5xx(case: Any, tokens: dict[str, str]) -> None:
    intake = case.path in {"/api/v1/alerts/alertmanager", "/api/alert/webhook", "/api/webhook/alertmanager"}
    response = case.call_and_validate(headers={"Authorization": tokens["alertmanager" if intake else "api"]},
                                      checks=CHECKS)
    if os.environ.get("AIOPS_COUNT_CASES"):  # tallies for a report: cases run per status
        with open(os.environ["AIOPS_COUNT_CASES"], "a") as tally:
            tally.write(f"{case.method} {case.path} {response.status_code}\n")
