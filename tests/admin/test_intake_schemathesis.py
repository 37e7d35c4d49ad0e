"""Schemathesis against the public intake API's part of our OpenAPI schema: generated
catalogue reads, address queries and order requests, with a valid public key, never get a
server error (whatever the body: odd Unicode, huge numbers, wrong types). The rate limits are
raised for the run so that generated requests reach the use case. SQLite; bounded."""

from __future__ import annotations

import pytest

from bot.admin import intake_api
from core.services import Services
from storage import migrate
from tests.admin.test_admin_schemathesis import ServerThread, run_cases
from tests.support import owner_with_org

schemathesis = pytest.importorskip("schemathesis")
hypothesis = pytest.importorskip("hypothesis")

EXAMPLES = 40


async def _public_key(services: Services) -> str:
    owner = await owner_with_org(services)
    await services.org_settings.set_categories(owner, ["Уборка", "Ремонт"])
    return (await services.intake_settings.configure(owner, True, "draft", [])).public_key


def _reachable(case):
    """Most generated bodies stop at the phone or the consent; half of them get a valid phone,
    consent and a service so that the other fields reach the use case and the database."""
    body = case.body
    if isinstance(body, dict) and len(body) % 2 == 0:
        case.body = {
            **body,
            "clientPhone": "79161234567",
            "consent": True,
            "serviceText": "Уборка",
            "fillMs": 5000,
        }
        case.body.pop("website", None)
        case.body.pop("preferredAt", None)
    return case


def test_no_server_errors_on_generated_public_requests(tmp_path, monkeypatch):
    monkeypatch.setattr(intake_api, "LIMITS", {"ip": 10**6, "key": 10**6, "read": 10**6})
    database = tmp_path / "crm.db"
    migrate.upgrade(f"sqlite:///{database}")
    with ServerThread(database, _public_key) as (url, key):
        schema = schemathesis.openapi.from_url(f"{url}/openapi.json")
        operations = [
            op.ok()
            for op in schema.get_all_operations()
            if op.ok().path.startswith("/api/public/v1/")
        ]
        assert {op.path for op in operations} == {
            "/api/public/v1/catalogue",
            "/api/public/v1/address-suggestions",
            "/api/public/v1/orders",
        }
        headers = {"X-Widget-Key": key}
        checks = [schemathesis.checks.not_a_server_error]
        run_cases(operations, url, headers, checks, EXAMPLES, _reachable)
