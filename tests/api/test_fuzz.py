"""Property-based fuzz of the API from its own OpenAPI schema (schemathesis): no 5xx ever."""

from __future__ import annotations

from pathlib import Path

import pytest

schemathesis = pytest.importorskip("schemathesis")
from hypothesis import HealthCheck, settings  # noqa: E402
from schemathesis.specs.openapi.checks import ignored_auth  # noqa: E402,F401

from corridors.api import create_app  # noqa: E402
from corridors.network import load_network  # noqa: E402

pytestmark = [
    pytest.mark.slow,
    # schemathesis/hypothesis-jsonschema internals on newer Python/jsonschema releases
    pytest.mark.filterwarnings("ignore::DeprecationWarning"),
    pytest.mark.filterwarnings("ignore:.*httpx2.*"),
]

_DB = Path(__import__("tempfile").mkdtemp(prefix="corridors-fuzz-")) / "fuzz.sqlite"
APP = create_app(database_url=f"sqlite:///{_DB}", network=load_network())
APP.state.corridors.store.create_scenario(
    "fuzz", {"name": "fuzz", "changes": [{"op": "scale_demand", "factor": 2}]}
)
schema = schemathesis.openapi.from_asgi("/openapi.json", APP)


@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_no_server_errors(case) -> None:  # type: ignore[no-untyped-def]
    from schemathesis.checks import not_a_server_error

    response = case.call()
    case.validate_response(response, checks=[not_a_server_error])
    assert response.status_code < 500, response.text
