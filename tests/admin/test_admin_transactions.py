"""One admin request, one unit of work: the sign-in check, every use case the request calls,
their audit rows and the answer's reads share one transaction, committed once when the request
succeeds and rolled back whole when it fails; a request that only reads commits nothing.
Counted on the admin app's engine with SQLAlchemy events, on both databases.

Measured (transactions begun / committed, cookie session, SQLite and PostgreSQL alike), before:
PATCH /api/settings/profile 3 / 1 (the session check, the change, the answer's view), PUT
/api/settings/categories 3 / 1, PATCH /api/settings/preferences with the photo rule 4 / 2, the
preferences form 3 / 2, credentials 2 / 1, GET /api/settings 2 / 0, the settings page 3 / 0;
a refused form or a request failing in its second use case kept what the first had committed.
After: 1 / 1 for every change, 1 / 0 for every read, nothing kept from a failed request.
"""

from __future__ import annotations

import re

import pytest
from sqlalchemy import event, text

from core.admin.org_settings import OrgSettingsService
from core.errors import DomainError
from storage.db import create_engine
from tests.admin.test_admin_http import signed_in

WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE)\b", re.IGNORECASE)


class Cost:
    """Transactions begun and committed, and the statements that change data, on one engine."""

    def __init__(self, engine) -> None:
        self.begun = self.committed = 0
        self.writes: list[str] = []
        self._engine = engine.sync_engine
        self._hooks = {
            "begin": self._begin,
            "commit": self._commit,
            "before_cursor_execute": self._statement,
        }
        for name, hook in self._hooks.items():
            event.listen(self._engine, name, hook)

    def close(self) -> None:
        for name, hook in self._hooks.items():
            event.remove(self._engine, name, hook)

    def reset(self) -> None:
        self.begun = self.committed = 0
        self.writes = []

    def _begin(self, _connection) -> None:
        self.begun += 1

    def _commit(self, _connection) -> None:
        self.committed += 1

    def _statement(self, _connection, _cursor, statement, *_args) -> None:
        if WRITE.match(statement):
            self.writes.append(statement.split("\n")[0][:100])


@pytest.fixture
async def cost(container):
    counted = Cost(container.engine)
    yield counted
    counted.close()


async def _scalar(db_url: str, sql: str):
    engine = create_engine(db_url)
    try:
        async with engine.connect() as connection:
            return (await connection.execute(text(sql))).scalar()
    finally:
        await engine.dispose()


async def test_a_settings_change_costs_one_transaction(client, container, cost):
    _, csrf = await signed_in(client, container.services)
    headers = {"X-CSRF-Token": csrf}
    changes = {
        "profile": lambda: client.patch(
            "/api/settings/profile", json={"currency": "EUR"}, headers=headers
        ),
        "categories": lambda: client.put(
            "/api/settings/categories", json={"names": ["Окна", "Ковры"]}, headers=headers
        ),
        "preferences": lambda: client.patch(
            "/api/settings/preferences",
            json={"photos_required": 2, "digest_time": "07:30"},
            headers=headers,
        ),
        "form": lambda: client.post(
            "/settings/preferences",
            data={"digest_time": "08:15", "reminder_minutes": "30", "photos_required": "1"}
            | {"notify_done": "1", "csrf": csrf},
        ),
    }
    for name, change in changes.items():
        cost.reset()
        answer = await change()
        assert answer.status_code in (200, 303), (name, answer.text)
        assert (name, cost.begun, cost.committed) == (name, 1, 1), cost.writes
    settings = (await client.get("/api/settings")).json()
    assert settings["profile"]["currency"] == "EUR"
    assert settings["categories"] == ["Окна", "Ковры"]
    assert (settings["photos_required"], settings["digest_time"]) == (1, "08:15")


async def test_a_read_commits_nothing(client, container, cost):
    await signed_in(client, container.services)
    for path in ("/api/settings", "/api/me", "/api/tokens", "/api/billing", "/settings"):
        cost.reset()
        answer = await client.get(path)
        assert answer.status_code == 200, path
        assert (path, cost.begun, cost.committed, cost.writes) == (path, 1, 0, [])


async def test_a_form_refused_after_a_first_write_leaves_nothing_written(
    client, container, cost, db_url
):
    """The preferences form saves the preferences, then the photo rule refuses 21 photos:
    the page answers 422 and the preferences saved a moment before are rolled back too."""
    _, csrf = await signed_in(client, container.services)
    before = (await client.get("/api/settings")).json()
    audit_before = await _scalar(db_url, "SELECT count(*) FROM audit_event")
    cost.reset()
    form = {"digest_time": "06:45", "reminder_minutes": "15", "photos_required": "21"}
    refused = await client.post("/settings/preferences", data={**form, "csrf": csrf})
    assert refused.status_code == 422 and "20" in refused.text
    assert cost.writes and cost.committed == 0
    assert (before["digest_time"], before["reminder_minutes"]) != ("06:45", 15)
    assert (await client.get("/api/settings")).json() == before
    assert await _scalar(db_url, "SELECT count(*) FROM audit_event") == audit_before


async def test_an_api_request_failing_in_its_second_use_case_leaves_nothing_written(
    client, container, cost, db_url, monkeypatch
):
    """The photo rule is saved, then the preferences are saved and fail: both are undone,
    with their audit rows."""
    _, csrf = await signed_in(client, container.services)
    saved = OrgSettingsService.set_preferences

    async def failing(self, actor, **values):
        await saved(self, actor, **values)
        raise DomainError("reminder_range", limit=1)

    monkeypatch.setattr(OrgSettingsService, "set_preferences", failing)
    before = (await client.get("/api/settings")).json()
    audit_before = await _scalar(db_url, "SELECT count(*) FROM audit_event")
    cost.reset()
    refused = await client.patch(
        "/api/settings/preferences",
        json={"photos_required": 7, "digest_time": "05:10"},
        headers={"X-CSRF-Token": csrf},
    )
    assert refused.status_code == 422 and refused.json()["code"] == "reminder_range"
    assert len(cost.writes) >= 2 and cost.committed == 0
    monkeypatch.undo()
    assert (before["photos_required"], before["digest_time"]) != (7, "05:10")
    assert (await client.get("/api/settings")).json() == before
    assert await _scalar(db_url, "SELECT count(*) FROM audit_event") == audit_before
