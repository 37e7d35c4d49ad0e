"""Outgoing webhooks on both databases against a local receiver over real HTTP: signed
deliveries the documented snippet verifies, retries with growing delays on the injected
clock, the switch-off with one owner message, nothing for a rolled-back change, one
delivery per event when the job runs twice, and private targets refused."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
from collections.abc import AsyncIterator
from datetime import timedelta

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from core.changes import ClientChange
from core.orders.rules import OrderAction
from core.orders.service import OrderDraft
from core.runtime.jobs import JobRunner
from core.webhooks.model import WEBHOOK_JOB, DeliveryStatus
from core.webhooks.policy import RetryPolicy
from core.webhooks.sender import WebhookSender
from core.webhooks.service import WebhookService
from core.webhooks.urls import check_url
from handlers.i18n import Catalogs
from handlers.webhooks import disabled_notice
from integrations import webhook_http
from integrations.webhook_http import HttpWebhookTransport
from sandbox.emulator.server import AsgiServer
from storage.db import create_engine, session_factory
from storage.runtime.jobs import SqlJobQueue
from storage.secrets import FernetSecretBox
from storage.uow import SqlUnitOfWork
from storage.webhooks import store as store_module
from storage.webhooks.store import SqlWebhookStore
from tests.support import owner_with_org, services_for

EVENTS = ["order.created", "order.assigned", "order.status_changed", "client.created"]


def verify(secret: str, timestamp: str, body: bytes, header: str) -> bool:
    """docs/webhooks.md's receiver snippet, as written there."""
    expected = hmac.new(
        secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256
    ).hexdigest()
    return hmac.compare_digest("sha256=" + expected, header)


class Receiver(AsgiServer):
    """Records every POST; answers with `status` (a list: one per request, the last repeats)."""

    def __init__(self) -> None:
        routes = [
            Route("/hook", self._hook, methods=["POST"]),
            Route("/moved", self._moved, methods=["POST"]),
            Route("/slow", self._slow, methods=["POST"]),
        ]
        super().__init__(Starlette(routes=routes))
        self.got: list[tuple[dict[str, str], bytes]] = []
        self.statuses = [200]

    async def _hook(self, request: Request) -> Response:
        self.got.append((dict(request.headers), await request.body()))
        status = self.statuses.pop(0) if len(self.statuses) > 1 else self.statuses[0]
        return PlainTextResponse("ok" if status < 300 else "broken " * 100, status_code=status)

    async def _moved(self, request: Request) -> Response:
        return RedirectResponse("/hook", status_code=307)

    async def _slow(self, request: Request) -> Response:
        await asyncio.sleep(2)
        return PlainTextResponse("late")


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    server = Receiver()
    await server.start()
    yield server
    await server.stop()


class World:
    def __init__(self, db_url: str, clock, catalogs) -> None:  # type: ignore[no-untyped-def]
        self.engine = create_engine(db_url)
        sessions = session_factory(self.engine)
        self.clock = clock
        self.services = services_for(lambda: SqlUnitOfWork(sessions, clock), clock)
        box = FernetSecretBox(FernetSecretBox.generate_key())
        self.store = SqlWebhookStore(sessions)
        self.hooks = WebhookService(self.store, box, clock, allow_private=True)
        self.sessions = sessions
        policy = RetryPolicy(disable_after=5)
        self.transport = HttpWebhookTransport(allow_private=True)
        self.outcomes: list[str] = []  # what the sender reported for the metrics
        self.sender = WebhookSender(
            self.store, self.transport, box, clock, disabled_notice(catalogs), policy,
            observe=self.outcomes.append,
        )  # fmt: skip
        self.runner = JobRunner(SqlJobQueue(sessions), {WEBHOOK_JOB: self.sender.job}, clock, "t")

    async def drain(self) -> int:
        ran = 0
        while await self.runner.run_once():
            ran += 1
        return ran

    async def outbox_texts(self) -> list[str]:
        from sqlalchemy import text

        async with self.sessions() as s:
            rows = (await s.execute(text("SELECT body FROM outbox ORDER BY id"))).all()
        return [
            str((b if isinstance(b, dict) else json.loads(b))["params"]["text"]) for (b,) in rows
        ]


@pytest.fixture
async def world(db_url, clock) -> AsyncIterator[World]:
    made = World(db_url, clock, Catalogs())
    yield made
    await made.engine.dispose()


async def _subscribed(world: World, receiver: Receiver, events=EVENTS):  # type: ignore[no-untyped-def]
    owner = await owner_with_org(world.services)
    assert owner.organization is not None
    made = await world.hooks.subscribe(owner.organization.id, f"{receiver.url}/hook", events)
    return owner, made


async def test_a_signed_delivery_per_event_verified_by_the_snippet(world, receiver):
    owner, made = await _subscribed(world, receiver)
    client = await world.services.clients.create(owner, "Пётр Сидоров", "+79161234567")
    order = await world.services.orders.create(owner, OrderDraft(client.id, price_minor=1000))
    assert await world.drain() == 2
    assert len(receiver.got) == 2
    bodies = []
    for headers, body in receiver.got:
        assert verify(made.secret, headers["x-timestamp"], body, headers["x-signature"])
        assert not verify("whsec_other", headers["x-timestamp"], body, headers["x-signature"])
        document = json.loads(body)
        assert headers["x-event-id"] == document["id"]
        assert document["occurred_at"] == "2026-03-02T09:00:00Z"
        assert document["organization"] == {"id": owner.organization.id}
        bodies.append(document)
    assert [b["type"] for b in bodies] == ["client.created", "order.created"]
    assert bodies[0]["data"] == {"id": client.id}
    assert bodies[1]["data"]["id"] == order.id and "address" not in bodies[1]["data"]
    assert "Сидоров" not in receiver.got[0][1].decode() + receiver.got[1][1].decode()
    # The job ran once per event: running the queue again sends nothing more.
    assert await world.drain() == 0 and len(receiver.got) == 2
    log = await world.hooks.deliveries(owner.organization.id, made.subscription.id)
    assert {d.status for d in log} == {DeliveryStatus.DELIVERED}
    assert {d.attempts for d in log} == {1} and {d.last_status for d in log} == {200}


async def test_only_subscribed_events_and_status_changes(world, receiver):
    owner, _ = await _subscribed(world, receiver, ["order.status_changed"])
    order = await world.services.orders.create(owner, OrderDraft(None))
    await world.services.orders.act(owner, order.id, OrderAction.ASSIGN, assignee_id=owner.user.id)
    await world.drain()
    (only,) = [json.loads(body) for _, body in receiver.got]
    assert only["type"] == "order.status_changed"
    assert only["data"]["status"] == "assigned" and only["data"]["previous_status"] == "new"


async def test_a_payment_and_a_client_edit(world, receiver):
    owner, _ = await _subscribed(world, receiver, ["order.paid", "client.updated"])
    client = await world.services.clients.create(owner, "Анна Смирнова", "+79165550001")
    await world.services.clients.edit(owner, client.id, "address", "ул. Тихая, 5")
    order = await world.services.orders.create(owner, OrderDraft(client.id, price_minor=5000))
    uid = owner.user.id
    await world.services.orders.act(owner, order.id, OrderAction.ASSIGN, assignee_id=uid)
    await world.services.orders.act(owner, order.id, OrderAction.START)
    await world.services.orders.act(owner, order.id, OrderAction.DONE)
    await world.services.orders.act(
        owner, order.id, OrderAction.PAY, amount_minor=5000, method="cash"
    )
    await world.drain()
    got = [json.loads(body) for _, body in receiver.got]
    assert [g["type"] for g in got] == ["client.updated", "order.paid"]
    assert got[0]["data"] == {"id": client.id}
    assert got[1]["data"]["payment"] == {"amount_minor": 5000, "method": "cash"}
    assert got[1]["data"]["paid_minor"] == 5000 and got[1]["data"]["status"] == "done"
    assert "Тихая" not in receiver.got[0][1].decode()


async def test_every_way_a_card_is_made_or_changed_is_an_event(world, receiver):
    """Not only the client service: the new-order dialog and website requests make and
    change cards through the repository directly."""
    owner, _ = await _subscribed(world, receiver, ["client.created", "client.updated"])
    org_id = owner.organization.id
    async with SqlUnitOfWork(world.sessions, world.clock) as uow:
        made = await uow.clients.add(org_id, "Ия", ["+79165550003"], None, None, world.clock.now())
        await uow.clients.update(org_id, made.id, world.clock.now(), ClientChange(address="x"))
        await uow.commit()
    await world.drain()
    got = [json.loads(body) for _, body in receiver.got]
    assert [(g["type"], g["data"]["id"]) for g in got] == [
        ("client.created", made.id),
        ("client.updated", made.id),
    ]


async def test_nothing_is_sent_for_a_rolled_back_change(world, receiver):
    owner, _ = await _subscribed(world, receiver)
    async with SqlUnitOfWork(world.sessions, world.clock) as uow:
        await world.services.orders.create(owner, OrderDraft(None), uow)
        # no commit: leaving the block rolls the order, its event and its delivery back
    assert await world.drain() == 0
    assert receiver.got == []


async def test_a_job_run_twice_sends_once(world, receiver):
    owner, _ = await _subscribed(world, receiver)
    await world.services.orders.create(owner, OrderDraft(None))
    queue = SqlJobQueue(world.sessions)
    job = await queue.claim("t", [WEBHOOK_JOB], timedelta(minutes=5), world.clock.now())
    assert job is not None
    await world.sender.job(job)
    await world.sender.job(job)  # a lease that expired: the same job again
    assert len(receiver.got) == 1


async def test_failures_retry_with_growing_delays_then_switch_off_once(world, receiver):
    receiver.statuses = [500]
    owner, made = await _subscribed(world, receiver)
    org_id = owner.organization.id
    await world.services.orders.create(owner, OrderDraft(None))
    await world.services.orders.create(owner, OrderDraft(None))
    assert await world.drain() == 2  # each tried once; the next tries are not due
    delays = []
    while True:
        log = await world.hooks.deliveries(org_id, made.subscription.id)
        due = [d.next_try_at for d in log if d.next_try_at is not None]
        if not due:
            break
        delays.append(min(due) - world.clock.now())
        world.clock.advance(seconds=delays[-1].total_seconds())
        await world.drain()
    # Both tried at 0, +30 s, then the first again at +90 s: the 5th failure in a row.
    assert delays == [timedelta(seconds=30), timedelta(seconds=60)]
    assert len(receiver.got) == 5
    # 5 failed tries in a row switch the subscription off, with one message to the owner.
    (subscription,) = await world.hooks.subscriptions(org_id)
    assert not subscription.active and subscription.disabled_at is not None
    texts = await world.outbox_texts()
    assert len(texts) == 1 and f"{receiver.url}/hook" in texts[0]
    assert texts[0].startswith("⚠️ Вебхуки на")  # the owner's language (Russian)
    world.clock.advance(hours=30)
    tries = len(receiver.got)
    await world.drain()
    assert len(receiver.got) == tries  # nothing goes to a switched-off subscription
    assert len(await world.outbox_texts()) == 1
    # Switched on again, a redelivery goes out and succeeds.
    receiver.statuses = [200]
    assert await world.hooks.set_active(org_id, made.subscription.id, True)
    log = await world.hooks.deliveries(org_id, made.subscription.id)
    assert await world.hooks.redeliver(org_id, log[0].id)
    await world.drain()
    log = await world.hooks.deliveries(org_id, made.subscription.id)
    assert log[0].status is DeliveryStatus.DELIVERED and log[0].attempts == 1
    assert len(log[1].last_excerpt or "") <= 200
    # The outcomes /metrics counts: the other delivery was dropped with its subscription off.
    assert sorted(world.outcomes) == sorted(
        ["retrying"] * 4 + ["given_up", "subscription_disabled", "abandoned", "delivered"]
    )


async def test_a_delivery_is_given_up_after_24_hours(world, receiver):
    receiver.statuses = [503]
    owner, made = await _subscribed(world, receiver)
    world.sender = WebhookSender(
        world.store, world.transport, world.hooks._box, world.clock,  # type: ignore[arg-type]
        lambda owners, url: [], RetryPolicy(disable_after=1000, disable_window=timedelta(days=9)),
    )  # fmt: skip
    world.runner = JobRunner(
        SqlJobQueue(world.sessions), {WEBHOOK_JOB: world.sender.job}, world.clock, "t"
    )
    await world.services.orders.create(owner, OrderDraft(None))
    for _ in range(40):
        world.clock.advance(hours=1)
        await world.drain()
    (gone,) = await world.hooks.deliveries(owner.organization.id, made.subscription.id)
    assert gone.status is DeliveryStatus.FAILED and gone.next_try_at is None
    assert gone.first_try_at is not None and 8 <= gone.attempts <= 16


async def test_private_targets_are_refused_outside_tests(receiver):
    transport = HttpWebhookTransport(allow_private=False)
    private = ("https://127.0.0.1/hook", "https://10.0.0.8/x", "https://169.254.169.254/x")
    for url in (f"{receiver.url}/hook", *private, "https://[::1]/x", "https://localhost/x"):
        answer = await transport.post(url, "{}", {})
        assert answer.status is None and answer.excerpt.startswith("refused"), url
    assert receiver.got == []
    for bad in ("http://example.com/x", "ftp://example.com/x", "https://u:p@example.com/"):
        with pytest.raises(ValueError):
            check_url(bad, allow_private=False)
    assert (
        check_url(" https://example.com/hook ", allow_private=False) == "https://example.com/hook"
    )


async def test_redirects_are_not_followed_and_slow_receivers_time_out(receiver):
    transport = HttpWebhookTransport(allow_private=True, timeout=0.3)
    moved = await transport.post(f"{receiver.url}/moved", "{}", {})
    assert moved.status == 307 and not moved.ok and receiver.got == []
    slow = await transport.post(f"{receiver.url}/slow", "{}", {})
    assert slow.status is None and slow.excerpt == "error: timed out"


async def test_a_subscription_keeps_only_its_last_deliveries(world, receiver, monkeypatch):
    monkeypatch.setattr(store_module, "KEEP", 3)
    owner, made = await _subscribed(world, receiver, ["order.created"])
    for _ in range(5):
        await world.services.orders.create(owner, OrderDraft(None))
    await world.drain()
    log = await world.hooks.deliveries(owner.organization.id, made.subscription.id)
    assert len(receiver.got) == 5 and len(log) == 3
    assert [d.id for d in log] == sorted((d.id for d in log), reverse=True)
    newest = json.loads(receiver.got[-1][1])["id"]
    assert log[0].event_id == newest


async def test_the_request_goes_to_the_checked_address_with_the_host_named(monkeypatch):
    """A name is resolved once, checked, and connected to by that address: a second lookup
    (DNS rebinding to a private address) never happens. TLS still checks the name (SNI)."""
    looked: list[str] = []

    async def resolve(host: str, port: int) -> list[str]:
        looked.append(host)
        return ["93.184.216.34"] if len(looked) == 1 else ["127.0.0.1"]

    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(204)

    monkeypatch.setattr(webhook_http, "_resolve", resolve)
    transport = HttpWebhookTransport(transport=httpx.MockTransport(answer))
    done = await transport.post("https://hooks.example:8443/in?x=1", "{}", {"X-Event-Id": "e"})
    assert done.ok and looked == ["hooks.example"]
    (request,) = seen
    assert str(request.url) == "https://93.184.216.34:8443/in?x=1"
    assert request.headers["host"] == "hooks.example:8443"
    assert request.extensions["sni_hostname"] == "hooks.example"
    assert request.headers["x-event-id"] == "e"
    rebound = await transport.post("https://hooks.example/in", "{}", {})
    assert rebound.excerpt == "refused: not a public address" and len(seen) == 1


async def test_a_restricted_client_is_flagged_and_carries_nothing_personal(world, receiver):
    """Issue 25, item 4: restricting and lifting are `client.updated` events; while restricted
    the event says `restricted: true`; no delivery ever carries the name, phone or note."""
    owner, _ = await _subscribed(world, receiver, ["client.updated"])
    client = await world.services.clients.create(owner, "Анна Смирнова", "+79165550001")
    await world.services.clients.edit(owner, client.id, "restrict", "by phone on 3 March")
    await world.services.clients.edit(owner, client.id, "address", "ул. Тихая, 5")
    await world.services.clients.lift_restriction(owner, client.id)
    await world.drain()
    got = [json.loads(body) for _, body in receiver.got]
    restricted = {"id": client.id, "restricted": True}
    assert [g["data"] for g in got] == [restricted, restricted, {"id": client.id}]
    for _, body in receiver.got:
        for personal in ("Анна", "79165550001", "Тихая", "March"):
            assert personal not in body.decode()
