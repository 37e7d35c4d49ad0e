"""Schemathesis against /api/v1 of our OpenAPI schema, with a key that has every scope: no
generated request gets a server error, and every answer matches the schema (status codes,
content types, bodies). Bounded: a few examples per operation, under a minute."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from core.services import Services
from storage import migrate
from tests.admin.test_admin_schemathesis import ServerThread, run_cases
from tests.rest.support import keyed

schemathesis = pytest.importorskip("schemathesis")
hypothesis = pytest.importorskip("hypothesis")

EXAMPLES = 15


async def _key(services: Services) -> str:
    _, headers = await keyed(services)
    return headers["Authorization"].removeprefix("Bearer ")


@pytest.fixture(scope="module")
def live(tmp_path_factory) -> Iterator[tuple[str, str]]:
    database = tmp_path_factory.mktemp("schemathesis-v1") / "crm.db"
    migrate.upgrade(f"sqlite:///{database}")
    with ServerThread(database, _key) as running:
        yield running


def test_no_server_errors_and_answers_match_the_schema(live):
    url, key = live
    schema = schemathesis.openapi.from_url(f"{url}/openapi.json")
    headers = {"Authorization": f"Bearer {key}"}
    operations = [
        result.ok()
        for result in schema.get_all_operations()
        if result.ok().path.startswith("/api/v1/")
    ]
    assert len(operations) >= 6
    checks = [
        schemathesis.checks.not_a_server_error,
        schemathesis.checks.status_code_conformance,
        schemathesis.checks.content_type_conformance,
        schemathesis.checks.response_schema_conformance,
    ]
    run_cases(operations, url, headers, checks, EXAMPLES)
