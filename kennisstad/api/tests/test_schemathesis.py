"""Contract tests: schemathesis generates requests from the OpenAPI schema and checks the answers.

Every GET operation, on the demo data, with all of schemathesis's default checks (no server
error, status codes, content types, response schemas …); the write with a valid partner token.
"""

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from kennisstad.api.tokens import token_create
from kennisstad.organisations.models import Organisation

# About 40 s with the demo load: slow, but in the full test command.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("api_demo"), pytest.mark.slow]

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
# A NUL byte in an address or query is refused site-wide with the 400 page, before the API sees it
# (kennisstad.lib.middleware.RejectNulBytesMiddleware; test_it_refuses_a_nul_byte_in_a_query below).
schema.config.generation.update(allow_x00=False)


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """Schemathesis calls the real WSGI handler, whose request signals would close the database
    connection, and with it the test's transaction on PostgreSQL; Django's test client does the same."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


EXAMPLES = settings(
    max_examples=10,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
    ],
)


@schema.include(method="GET").parametrize()
@EXAMPLES
def test_every_read_keeps_to_the_schema(case):
    case.call_and_validate()


@schema.include(method="POST").parametrize()
@EXAMPLES
def test_the_write_keeps_to_the_schema_with_a_valid_token(case):
    organisation = Organisation.objects.get(slug="universiteit-leiden")
    _token, key = token_create(organisation=organisation, name="schemathesis", by=None)

    # Schema-valid updates may still be refused (422) by the service's rules that a schema cannot
    # say (no date in the future, a figure needs a value): every other check applies.
    case.call_and_validate(
        headers={"Authorization": f"Bearer {key}"}, excluded_checks=[positive_data_acceptance]
    )


def test_it_refuses_a_nul_byte_in_a_query_with_400(client):
    assert client.get("/api/v1/projects", {"q": "a\x00b"}).status_code == 400
