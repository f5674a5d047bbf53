"""Property-based run of the whole OpenAPI schema: no input makes the service answer 5xx,
and every answer matches the documented status codes, content types and schemas."""

import pytest

schemathesis = pytest.importorskip("schemathesis")
from hypothesis import HealthCheck, settings  # noqa: E402

from service.checking import build_checker  # noqa: E402
from service.config import Settings  # noqa: E402
from service.main import create_app  # noqa: E402


def _app():
    # admin enabled so that its route is in the schema too; the token is never sent by
    # schemathesis, so reloads are exercised only through their 401/403 paths
    app = create_app(Settings(_env_file=None, admin_token="schema-test-token", max_batch_documents=5,
                              max_text_chars=5000))
    app.state.checker = build_checker(app.state.settings)  # what the lifespan does
    app.state.ready = True
    return app


schema = schemathesis.openapi.from_asgi("/openapi.json", _app())


@schema.parametrize()
@settings(max_examples=25, deadline=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
def test_api_conforms_to_its_schema(case):
    from schemathesis.specs.openapi.checks import (
        content_type_conformance,
        response_schema_conformance,
        status_code_conformance,
    )
    from schemathesis.checks import not_a_server_error

    case.call_and_validate(checks=[not_a_server_error, status_code_conformance, content_type_conformance,
                                   response_schema_conformance])
