"""schemathesis against /api/v1/openapi.json, in-process (WSGI), authenticated as the demo task-force
office with a read-write API token: a bounded number of examples per operation (SCHEMATHESIS_EXAMPLES,
default 8), zero 5xx responses and zero schema violations."""

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

from config.wsgi import application

EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "8"))
CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


@pytest.fixture(autouse=True)
def _keep_the_test_transactions_connection():
    """Like Django's test client: the in-process WSGI app must not close the connection that holds the
    test's transaction (request_started/finished → close_old_connections closes it on PostgreSQL)."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def token(world) -> str:
    from qingqian.accounts.services import token_create

    return token_create(actor=None, user=world.office, name="schemathesis", scope="write", days=1).secret


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
    database=None,
)
def test_the_api_answers_every_generated_request_without_5xx_or_schema_violations(case, token) -> None:
    case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, checks=CHECKS)
