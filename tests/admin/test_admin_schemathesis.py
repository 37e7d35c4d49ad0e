"""Schemathesis against our own OpenAPI schema: generated requests to every /api operation,
signed in with an owner's API token, must never get a server error. Bounded: a few examples
per operation, one server in a thread (its own loop), well under a minute."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Awaitable, Callable, Iterator
from concurrent.futures import Future
from pathlib import Path
from typing import Any

import pytest

from bot.admin.app import build_admin_app
from bot.admin.server import AdminServer
from bot.container import build_container
from core.services import Services
from storage import migrate
from tests.admin.support import PASSWORD, TERMINAL, admin_settings
from tests.fakes.tbank import FakeTBank
from tests.support import owner_with_org

schemathesis = pytest.importorskip("schemathesis")
hypothesis = pytest.importorskip("hypothesis")

EXAMPLES = 12
Issue = Callable[[Services], Awaitable[str]]


async def _admin_token(services: Services) -> str:
    owner = await owner_with_org(services)
    return (await services.admin.create_token(owner, "schemathesis")).token


class ServerThread:
    """The admin endpoint (and a T-Bank fake) on their own event loop, for a sync client."""

    def __init__(self, database: Path, issue: Issue | None = None) -> None:
        self._database = database
        self._issue = issue or _admin_token
        self._ready: Future[tuple[str, str]] = Future()
        self._stop: asyncio.Event | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread = threading.Thread(target=lambda: asyncio.run(self._main()), daemon=True)

    def __enter__(self) -> tuple[str, str]:
        self._thread.start()
        return self._ready.result(timeout=30)

    def __exit__(self, *_exc: object) -> None:
        assert self._loop is not None and self._stop is not None
        self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(timeout=30)

    async def _main(self) -> None:
        self._loop, self._stop = asyncio.get_running_loop(), asyncio.Event()
        try:
            async with FakeTBank(terminal_key=TERMINAL, password=PASSWORD) as bank:
                await self._serve(bank)
        except BaseException as error:
            if not self._ready.done():
                self._ready.set_exception(error)
            raise

    async def _serve(self, bank: FakeTBank) -> None:
        url = f"sqlite:///{self._database}"
        settings = admin_settings(database_url=url, tbank_base_url=bank.base_url)
        container = build_container(settings)
        server = AdminServer(build_admin_app(container))
        try:
            await server.start()
            token = await self._issue(container.services)
            self._ready.set_result((server.url, token))
            assert self._stop is not None
            await self._stop.wait()
        finally:
            await server.stop()
            await container.close()


@pytest.fixture(scope="module")
def live(tmp_path_factory) -> Iterator[tuple[str, str]]:
    database = tmp_path_factory.mktemp("schemathesis") / "crm.db"
    migrate.upgrade(f"sqlite:///{database}")
    with ServerThread(database) as running:
        yield running


def _operations(schema):
    found = [result.ok() for result in schema.get_all_operations()]
    # /api/v1 takes API keys, not these tokens: tests/rest/test_rest_schemathesis.py
    found = [op for op in found if not op.path.startswith("/api/v1/")]
    # Revoking tokens last: a generated id may be our own token's.
    return sorted(found, key=lambda op: (op.method.upper() == "DELETE", op.path, op.method))


def test_every_answer_is_in_the_document(live):
    """No server error, and every status, content type and body the app answers is the one
    its OpenAPI document lists (issue 25, item 14). Whether schema-valid data is also valid
    business data (a check digit, a time zone's name) is not the document's to say."""
    url, token = live
    schema = schemathesis.openapi.from_url(f"{url}/openapi.json")
    headers = {"Authorization": f"Bearer {token}"}
    checks = schemathesis.checks
    conformance = [
        checks.not_a_server_error,
        checks.status_code_conformance,
        checks.content_type_conformance,
        checks.response_schema_conformance,
        checks.allow_header_conformance,
    ]
    operations = _operations(schema)
    assert len(operations) >= 10
    run_cases(operations, url, headers, conformance, EXAMPLES)


def run_cases(
    operations: list[Any],
    url: str,
    headers: dict[str, str],
    checks: list[Any],
    examples: int,
    prepare: Callable[[Any], Any] = lambda case: case,
) -> None:
    """Each operation's generated cases (`prepare` may adjust them), sent and checked; the
    same examples on every run (derandomized, no example database)."""
    for operation in operations:

        @hypothesis.settings(
            max_examples=examples,
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=list(hypothesis.HealthCheck),
        )
        @hypothesis.given(case=operation.as_strategy().map(prepare))
        def run(case: Any) -> None:
            case.call_and_validate(base_url=url, headers=headers, checks=checks)

        run()
