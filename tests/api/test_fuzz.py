"""Property-based fuzz of the API from its own OpenAPI schema (schemathesis), every check.

All of schemathesis's checks run (no 5xx, status codes, content types, headers and bodies
conform to the schema, Allow headers, schema-invalid data rejected, ...). One setting:
schema-valid requests may also be answered 422, because some rules cannot be said in JSON
Schema (teu together with tonnes, a place that has no route, a scenario that does not apply)
and are refused with a documented problem+json 422; and schema-invalid requests may also be
refused with 413 (a body above the size limit is refused before it is parsed)."""

from __future__ import annotations

from pathlib import Path

import pytest

schemathesis = pytest.importorskip("schemathesis")
from hypothesis import HealthCheck, settings  # noqa: E402
from schemathesis.checks import CHECKS  # noqa: E402
from schemathesis.config import SchemathesisConfig  # noqa: E402

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
CONFIG = SchemathesisConfig.from_str(
    """
[checks.positive_data_acceptance]
expected-statuses = ["2xx", "401", "403", "404", "409", "422", "429"]

[checks.negative_data_rejection]
expected-statuses = [
  "400", "401", "403", "404", "405", "406", "409", "413", "415", "422", "428", "429",
]
"""
)
schema = schemathesis.openapi.from_asgi("/openapi.json", APP, config=CONFIG)
ALL_CHECKS = CHECKS.get_all()


@schema.parametrize()
@settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_schema_conformance(case) -> None:  # type: ignore[no-untyped-def]
    response = case.call_and_validate(checks=ALL_CHECKS)
    assert response.status_code < 500, response.text
