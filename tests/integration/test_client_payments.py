"""Issue 19, items 7 and 12: a client pays a done order through the organization's own T-Bank
terminal. The real adapter talks to the local T-Bank fake (Init, Cancel, signed
notifications), which posts its notifications to the real admin app served on a local port.
Forged, replayed, wrong-amount and unknown notifications change nothing; a payment is
recorded on the order once and enqueues one "payment recorded" job; a refund, whole or in
parts up to the amount paid, is recorded once (a refused one gives its amount back, a lost
answer is asked again as the same operation); a payment whose notifications are lost is
settled by the GetState sweep, once, whichever comes first; the terminal's password is not
in the database (SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from sqlalchemy import select

from bot.admin.app import build_admin_app
from bot.container import Container, build_container
from core.client_loop.pay_checks import check_at
from core.client_loop.pay_service import CHECK_JOB, RECORDED_JOB, REFUND_JOB, ClientPayments
from core.client_loop.payments import TERMINAL_SECRET, ClientPayment, OrgTerminal, terminal_json
from core.domain import Actor, Job, Order, Role
from core.errors import DomainError, ExternalServiceError
from core.orders.rules import OrderAction
from core.orders.service import OrderDraft
from sandbox.emulator.server import AsgiServer
from storage.tables import ClientPaymentRow, JobRow, OrgSecretRow
from storage.uow import SqlUnitOfWork
from tests.admin.support import admin_settings
from tests.fakes.tbank import sign
from tests.fakes.tbank_cancel import FakeTBankTerminal
from tests.integration.test_client_loop_storage import _member
from tests.support import owner_with_org

KEY, PASSWORD = "OrgTerminal-1", "Org-Passw0rd-xyz"
PHONE = "+79165550123"
NOON = datetime(2026, 3, 3, 9, 0, tzinfo=UTC)
PRICE = 250000


class Later:
    """The admin app, served before it is built (its public URL is the server's)."""

    def __init__(self) -> None:
        self.app = None

    async def __call__(self, scope, receive, send) -> None:
        assert self.app is not None
        await self.app(scope, receive, send)


@dataclass
class World:
    container: Container
    bank: FakeTBankTerminal
    server: AsgiServer

    @property
    def services(self):
        return self.container.services

    def uow(self) -> SqlUnitOfWork:
        return self.container.services.client_payments._uow()  # type: ignore[return-value]


@pytest.fixture
async def w(db_url, clock) -> AsyncIterator[World]:
    clock.set(NOON)
    later = Later()
    async with (
        FakeTBankTerminal(KEY, PASSWORD) as bank,
        AsgiServer(later) as server,  # type: ignore[arg-type]
    ):
        settings = admin_settings(
            database_url=db_url, tbank_base_url=bank.base_url, public_base_url=server.url
        )
        container = build_container(settings, clock)
        later.app = build_admin_app(container)  # type: ignore[assignment]
        try:
            yield World(container, bank, server)
        finally:
            await container.close()


async def _connect(w: World, owner: Actor, password: str = PASSWORD) -> None:
    terminal = OrgTerminal(KEY, password)
    await w.services.org_settings.store_secret(owner, TERMINAL_SECRET, terminal_json(terminal))


async def _paid(w: World) -> tuple[Actor, int, Order, ClientPayment]:
    """An owner's done order, its payment link made and paid at the bank: (owner, org, order,
    link)."""
    owner = await owner_with_org(w.services)
    org_id = owner.organization.id
    await _connect(w, owner)
    order = await _done(w, owner)
    link = await w.services.client_payments.link(org_id, order.id)
    assert link is not None and link.payment_id is not None
    await w.bank.pay(link.payment_id)
    return owner, org_id, order, link


async def _done(
    w: World, owner: Actor, price: int | None = PRICE, phone: str | None = PHONE
) -> Order:
    client = await w.services.clients.create(owner, "Анна Смирнова", phone, "ул. Тихая, 5")
    draft = OrderDraft(client.id, address="ул. Тихая, 5", price_minor=price, description="Окна")
    order = await w.services.orders.create(owner, draft)
    orders = w.services.orders
    await orders.act(owner, order.id, OrderAction.ASSIGN, assignee_id=owner.user.id)
    await orders.act(owner, order.id, OrderAction.START)
    change = await orders.act(owner, order.id, OrderAction.DONE)
    return change.card.order


async def _state(w: World, org_id: int, order_id: int):
    async with w.uow() as uow:
        order = await uow.orders.get(org_id, order_id)
        events = [e.kind for e in await uow.orders.events(org_id, order_id)]
        payments = await uow.client_loop.order_payments(org_id, order_id)
        query = select(JobRow.kind, JobRow.payload).order_by(JobRow.id)  # as they were queued
        jobs = (await uow.session.execute(query)).all()
    recorded = [payload for kind, payload in jobs if kind == RECORDED_JOB]
    return order, events, payments, recorded


async def test_the_link_the_notification_and_a_replay_record_the_payment_once(w):
    owner = await owner_with_org(w.services)
    org_id = owner.organization.id
    await _connect(w, owner)
    order = await _done(w, owner)
    link = await w.services.client_payments.link(org_id, order.id)
    assert link is not None and link.payment_url and link.payment_id
    (payment,) = w.bank.payments.values()
    init = payment.init
    assert init["Amount"] == PRICE and init["OrderId"] == link.attempt
    assert link.attempt.startswith(f"o{order.id}-") and len(link.attempt) <= 36
    assert init["NotificationURL"] == f"{w.server.url}/tbank/org/{org_id}/notify"
    receipt = init["Receipt"]
    assert receipt["Phone"] == PHONE and receipt["Taxation"] == "usn_income"
    assert receipt["Items"] == [
        {"Name": "Окна", "Price": PRICE, "Quantity": 1, "Amount": PRICE, "Tax": "none",
         "PaymentMethod": "full_payment", "PaymentObject": "service"},
    ]  # fmt: skip
    # Asking again for the same amount gives the same link (no second Init).
    again = await w.services.client_payments.link(org_id, order.id)
    assert again is not None and again.attempt == link.attempt and len(w.bank.payments) == 1

    # The client page shows the Pay button (a plain link to the bank's page).
    issued = await w.services.client_loop.issue_page(org_id, order.client_id, order.id)
    async with httpx.AsyncClient() as http:
        page = await http.get(f"{w.server.url}/c/{issued.token}?lang=en")
    assert page.status_code == 200, page.text
    assert f'href="{link.payment_url}"' in page.text and "Pay 2,500" in page.text

    deliveries = await w.bank.pay(payment.payment_id)  # AUTHORIZED, then CONFIRMED
    assert [d.ok for d in deliveries] == [True, True]
    paid, events, (stored,), recorded = await _state(w, org_id, order.id)
    assert paid.paid_minor == PRICE and paid.settled
    assert events.count("pay") == 1 and stored.status == "CONFIRMED"
    assert [(r["amount"], r["via"], r["method"]) for r in recorded] == [(PRICE, "tbank", "card")]

    replay = await w.bank.notify(payment.payment_id, "CONFIRMED")
    stale = await w.bank.notify(payment.payment_id, "AUTHORIZED")
    assert replay.ok and stale.ok
    assert await _state(w, org_id, order.id) == (paid, events, [stored], recorded)
    # Nothing due any more: no new link.
    assert await w.services.client_payments.link(org_id, order.id) is None
    async with httpx.AsyncClient() as http:
        page = await http.get(f"{w.server.url}/c/{issued.token}?lang=ru")
    assert page.status_code == 200 and 'data-testid="pay"' not in page.text


async def test_forged_wrong_amount_and_unknown_notifications_change_nothing(w):
    owner = await owner_with_org(w.services)
    org_id = owner.organization.id
    await _connect(w, owner)
    order = await _done(w, owner)
    link = await w.services.client_payments.link(org_id, order.id)
    assert link is not None and link.payment_id is not None
    before = await _state(w, org_id, order.id)
    pid = link.payment_id

    forged = await w.bank.notify(pid, "CONFIRMED", token_override="0" * 64)
    assert forged.status_code == 403
    changed = await w.bank.notify(pid, "CONFIRMED", overrides={"Amount": 1})  # after signing
    assert changed.status_code == 403
    # Signed with the right password but for another amount: refused, retried by the bank.
    wrong = w.bank.notification(pid, "CONFIRMED") | {"Amount": PRICE - 100}
    wrong["Token"] = sign(wrong, PASSWORD)
    url = f"{w.server.url}/tbank/org/{org_id}/notify"
    async with httpx.AsyncClient() as http:
        answer = await http.post(url, json=wrong)
        assert answer.status_code == 400
        unknown = w.bank.notification(pid, "CONFIRMED") | {"OrderId": f"o{order.id}-unknown"}
        unknown["Token"] = sign(unknown, PASSWORD)
        answer = await http.post(url, json=unknown)
        assert (answer.status_code, answer.text) == (200, "OK")
        # Another organization's URL: that organization has no terminal.
        other = await http.post(f"{w.server.url}/tbank/org/{org_id + 1}/notify", json=unknown)
        assert other.status_code == 403
        assert (await http.post(url, content=b"[]")).status_code == 400
    assert await _state(w, org_id, order.id) == before

    # The same signed notification verified with another password is forged.
    await _connect(w, owner, password="another-password")
    assert (await w.bank.notify(pid, "CONFIRMED")).status_code == 403
    assert await _state(w, org_id, order.id) == before


async def test_an_owner_refunds_and_the_refund_is_recorded_once(w):
    owner = await owner_with_org(w.services)
    org_id = owner.organization.id
    await _connect(w, owner)
    order = await _done(w, owner)
    with pytest.raises(DomainError, match="refund_unavailable"):  # nothing paid yet
        await w.services.client_payments.refund(owner, order.id)
    link = await w.services.client_payments.link(org_id, order.id)
    assert link is not None and link.payment_id is not None
    await w.bank.pay(link.payment_id)
    refunded = await w.services.client_payments.refund(owner, order.id)
    assert refunded.status == "REFUNDED" and refunded.refunded_minor == PRICE
    (cancel,) = w.bank.cancels
    assert cancel["PaymentId"] == link.payment_id and "Amount" not in cancel
    after, events, _, recorded = await _state(w, org_id, order.id)
    assert after.paid_minor == 0 and events.count("refund") == 1
    assert [r["amount"] for r in recorded] == [PRICE, -PRICE]
    # The bank's notification of the refund arrived too; a replay changes nothing.
    assert (await w.bank.notify(link.payment_id, "REFUNDED")).ok
    assert await _state(w, org_id, order.id) == (after, events, [refunded], recorded)
    with pytest.raises(DomainError, match="refund_unavailable"):
        await w.services.client_payments.refund(owner, order.id)


async def test_no_terminal_no_price_or_a_refused_init_give_no_link(w):
    owner = await owner_with_org(w.services)
    org_id = owner.organization.id
    order = await _done(w, owner)
    assert await w.services.client_payments.link(org_id, order.id) is None  # no terminal
    await _connect(w, owner)
    free = await _done(w, owner, price=None, phone=None)
    assert await w.services.client_payments.link(org_id, free.id) is None  # nothing due
    w.bank.fail_code = "9999"
    with pytest.raises(ExternalServiceError) as refused:
        await w.services.client_payments.link(org_id, order.id)
    assert refused.value.retryable
    _, _, (attempt,), _ = await _state(w, org_id, order.id)
    assert attempt.status == "CANCELED" and attempt.payment_url is None
    w.bank.fail_code = None
    link = await w.services.client_payments.link(org_id, order.id)
    assert link is not None and link.attempt != attempt.attempt  # a new OrderId per attempt


async def test_the_terminal_password_is_not_in_the_database(w):
    owner = await owner_with_org(w.services)
    await _connect(w, owner)
    order = await _done(w, owner)
    await w.services.client_payments.link(owner.organization.id, order.id)
    async with w.uow() as uow:
        secrets = (await uow.session.execute(select(OrgSecretRow))).scalars().all()
        payments = (await uow.session.execute(select(ClientPaymentRow))).scalars().all()
    assert [s.name for s in secrets] == [TERMINAL_SECRET]
    dumped = repr([s.ciphertext for s in secrets]) + repr([p.raw for p in payments])
    assert PASSWORD not in dumped and KEY not in dumped
    assert PASSWORD not in repr(OrgTerminal(KEY, PASSWORD))


async def test_no_public_address_no_link(w):
    """Without PUBLIC_BASE_URL the bank could not notify us: no Init at all."""
    owner = await owner_with_org(w.services)
    await _connect(w, owner)
    order = await _done(w, owner)
    made = w.services.client_payments
    bare = ClientPayments(made._uow, made._clock, made._credentials, made._terminals, None)
    assert await bare.link(owner.organization.id, order.id) is None
    assert w.bank.payments == {} and w.bank.requests == []


async def test_partial_refunds_up_to_the_paid_amount_each_recorded_once(w):
    """Staff refund a part, then another, then the rest: T-Bank Cancel with Amount, the
    fake's PARTIAL_REFUNDED then REFUNDED; the order's paid amount follows; more than is
    left is refused before the bank is asked; a repeated answer or notification and a
    retried job add nothing; a manager may refund, a worker may not."""
    owner, org_id, order, link = await _paid(w)
    payments = w.services.client_payments

    first = await payments.refund(owner, order.id, 50000)
    assert (first.status, first.refunded_minor, first.refund_asked_minor) == (
        "PARTIAL_REFUNDED",
        50000,
        50000,
    )
    assert w.bank.cancels[-1]["Amount"] == 50000 and w.bank.left[link.payment_id] == 200000
    after, events, _, recorded = await _state(w, org_id, order.id)
    assert after.paid_minor == PRICE - 50000 and events.count("refund") == 1
    assert [(r["amount"], r.get("rest")) for r in recorded] == [(PRICE, None), (-50000, 200000)]

    with pytest.raises(DomainError, match="refund_too_much"):  # 2,000.01 of 2,000 left
        await payments.refund(owner, order.id, 200001)
    assert len(w.bank.cancels) == 1

    # The bank's notification of the part again, and the same operation's job run again:
    # the bank answers the same ExternalRequestId as before; nothing more is recorded.
    assert (await w.bank.notify(link.payment_id, "PARTIAL_REFUNDED")).ok
    again = Job(1, REFUND_JOB, {"org": org_id, "attempt": link.attempt, "amount": 50000,
                                "asked": 0, "whole": False}, 1)  # fmt: skip
    await payments.refund_job(again)
    assert len(w.bank.cancels) == 1
    assert await _state(w, org_id, order.id) == (after, events, [first], recorded)

    manager = await _member(w, owner, Role.MANAGER, "Мария")
    second = await payments.refund(manager, order.id, 150000)
    assert (second.status, second.refunded_minor) == ("PARTIAL_REFUNDED", 200000)
    worker = await _member(w, owner, Role.WORKER, "Иван")
    with pytest.raises(DomainError, match="forbidden"):
        await payments.refund(worker, order.id, 100)
    last = await payments.refund(owner, order.id)  # all that is left (its amount)
    assert (last.status, last.refunded_minor) == ("REFUNDED", PRICE)
    assert w.bank.cancels[-1]["Amount"] == 50000 and w.bank.left[link.payment_id] == 0
    done, events, _, recorded = await _state(w, org_id, order.id)
    assert done.paid_minor == 0 and events.count("refund") == 3
    assert [r["amount"] for r in recorded] == [PRICE, -50000, -150000, -50000]
    with pytest.raises(DomainError, match="refund_unavailable"):
        await payments.refund(owner, order.id, 100)


async def test_a_refused_or_lost_cancel_answer(w):
    """A refusal gives the reserved amount back; a lost answer (a timeout after the bank
    refunded) is retried with the same ExternalRequestId and recorded once."""
    owner, org_id, order, link = await _paid(w)
    payments = w.services.client_payments

    _, asked = await payments.request_refund(owner, order.id, 70000)
    assert asked == 70000
    async with w.uow() as uow:
        queued = await uow.session.execute(select(JobRow).where(JobRow.kind == REFUND_JOB))
        (job_row,) = queued.scalars().all()
    job = Job(job_row.id, REFUND_JOB, dict(job_row.payload), 1)
    w.bank.fail_code = "9"  # refused: nothing to retry
    with pytest.raises(ExternalServiceError):
        await payments.refund_job(job)
    w.bank.fail_code = None
    _, _, (stored,), _ = await _state(w, org_id, order.id)
    assert stored.refund_asked_minor == 0 and stored.refunded_minor == 0

    real = payments._terminals
    lost: list[str] = []

    def losing(key: str, password: str):  # the bank refunds, its answer never arrives
        terminal = real(key, password)

        class Lost:
            async def cancel(self, payment_id, amount=None, external_request_id=None):
                await terminal.cancel(payment_id, amount, external_request_id)
                lost.append(payment_id)
                raise ExternalServiceError("tbank", "Cancel: timeout", retryable=True)

        return Lost()

    _, asked = await payments.request_refund(owner, order.id, 30000)
    payments._terminals = losing
    with pytest.raises(ExternalServiceError):
        await payments.refund_job(Job(2, REFUND_JOB, {"org": org_id, "attempt": link.attempt,
                                  "amount": 30000, "asked": 0, "whole": False}, 1))  # fmt: skip
    payments._terminals = real
    await payments.refund_job(Job(2, REFUND_JOB, {"org": org_id, "attempt": link.attempt,
                              "amount": 30000, "asked": 0, "whole": False}, 2))  # fmt: skip
    assert lost and len(w.bank.cancels) == 1 and w.bank.left[link.payment_id] == PRICE - 30000
    after, events, (stored,), _ = await _state(w, org_id, order.id)
    assert stored.refunded_minor == 30000 and after.paid_minor == PRICE - 30000
    assert events.count("refund") == 1


async def _check_jobs(w: World) -> list[JobRow]:
    async with w.uow() as uow:
        stmt = select(JobRow).where(JobRow.kind == CHECK_JOB).order_by(JobRow.id)
        return list((await uow.session.execute(stmt)).scalars().all())


def _job(row: JobRow) -> Job:
    assert row.id is not None
    return Job(row.id, row.kind, dict(row.payload), row.attempts + 1, row.organization_id)


def _get_states(w: World) -> int:
    return sum(1 for r in w.bank.requests if r.path.endswith("/GetState"))


async def test_a_lost_notification_is_settled_by_the_sweep_once(w, clock):
    """The bank's notifications never arrive: the check queued with the link asks GetState
    10 minutes later and records the payment; the notifications delivered late, and the
    check run again, change nothing."""
    owner = await owner_with_org(w.services)
    org_id = owner.organization.id
    await _connect(w, owner)
    order = await _done(w, owner)
    link = await w.services.client_payments.link(org_id, order.id)
    assert link is not None and link.payment_id is not None
    (row,) = await _check_jobs(w)
    assert row.run_at == NOON + timedelta(minutes=10) and row.payload["round"] == 1
    assert row.dedup_key == f"{CHECK_JOB}:{link.attempt}:1"

    w.bank.drop_notifications = True
    deliveries = await w.bank.pay(link.payment_id)
    assert [d.ok for d in deliveries] == [False, False]
    unpaid, events, _, recorded = await _state(w, org_id, order.id)
    assert unpaid.paid_minor == 0 and "pay" not in events and recorded == []

    clock.set(NOON + timedelta(minutes=10))
    await w.services.client_payments.check_job(_job(row))
    paid, events, (stored,), recorded = await _state(w, org_id, order.id)
    assert paid.paid_minor == PRICE and paid.settled and events.count("pay") == 1
    assert stored.status == "CONFIRMED"
    assert [(r["amount"], r["via"]) for r in recorded] == [(PRICE, "tbank")]
    assert len(await _check_jobs(w)) == 1  # decided: no next round
    assert _get_states(w) == 1

    w.bank.drop_notifications = False
    assert all(d.ok for d in await w.bank.redeliver())  # late: answered OK, nothing new
    await w.services.client_payments.check_job(_job(row))  # a repeat: no GetState either
    assert await _state(w, org_id, order.id) == (paid, events, [stored], recorded)
    assert _get_states(w) == 1


async def test_the_notification_first_then_the_sweep_asks_nothing(w):
    _, org_id, order, _ = await _paid(w)
    before = await _state(w, org_id, order.id)
    (row,) = await _check_jobs(w)
    await w.services.client_payments.check_job(_job(row))
    assert await _state(w, org_id, order.id) == before and _get_states(w) == 0


async def test_an_unopened_link_is_checked_with_backoff_and_given_up_after_a_day(w, clock):
    owner = await owner_with_org(w.services)
    org_id = owner.organization.id
    await _connect(w, owner)
    order = await _done(w, owner)
    link = await w.services.client_payments.link(org_id, order.id)
    assert link is not None
    w.bank.fail_code = "3"  # the bank down: the job queue retries the same round
    (row,) = await _check_jobs(w)
    with pytest.raises(ExternalServiceError) as down:
        await w.services.client_payments.check_job(_job(row))
    assert down.value.retryable and len(await _check_jobs(w)) == 1
    w.bank.fail_code = None
    gaps = []
    while True:
        rows = await _check_jobs(w)
        clock.set(rows[-1].run_at)
        await w.services.client_payments.check_job(_job(rows[-1]))
        if len(await _check_jobs(w)) == len(rows):
            break
        gaps.append(int(((await _check_jobs(w))[-1].run_at - rows[-1].run_at).total_seconds()))
    assert [g // 60 for g in gaps] == [20, 40, 80, 160, 320, 640]  # then over a day: given up
    assert rows[-1].run_at == NOON + timedelta(minutes=1270)
    assert _get_states(w) == 1 + 7  # the failed one, then one per round
    assert check_at(NOON, 8) is None and check_at(NOON, 7) == NOON + timedelta(minutes=1270)
    unpaid, events, (stored,), _ = await _state(w, org_id, order.id)
    assert unpaid.paid_minor == 0 and stored.status == "NEW" and "pay" not in events
