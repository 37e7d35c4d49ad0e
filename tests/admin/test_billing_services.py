"""Billing on both databases against the local T-Bank fake: checkout, notifications applied
once (repeated and forged ones change nothing), refunds, reconciliation, owner notices, and
plan limits enforced in core."""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta

import pytest
from sqlalchemy import text

from core.admin.model import usage_period
from core.billing.rules import add_months
from core.domain import Role
from core.errors import DomainError
from core.orders.service import OrderDraft
from storage.db import create_engine
from tests.support import onboard, owner_with_org, profile

EMAIL = "owner@example.com"


async def _paid_until(services, owner):
    overview = await services.billing.overview(owner)
    sub = overview.subscription
    return overview.plan.code, sub.current_period_end if sub else None


async def _jobs(db_url, kind):
    engine = create_engine(db_url)
    async with engine.connect() as connection:
        rows = (
            await connection.execute(
                text("SELECT payload FROM job WHERE kind = :kind ORDER BY id"), {"kind": kind}
            )
        ).all()
    await engine.dispose()
    return [row[0] if isinstance(row[0], dict) else json.loads(row[0]) for row in rows]


async def _checkout(services, owner, bank, plan="pro", months=1):
    done = await services.billing.checkout(owner, plan, months, EMAIL)
    (payment,) = [p for p in bank.payments.values() if p.order_id == done.order_id]
    return done, payment


async def test_checkout_sends_a_signed_init_with_a_receipt(services, bank):
    owner = await owner_with_org(services)
    overview = await services.billing.overview(owner)
    assert (overview.plan.code, overview.members, overview.can_buy) == ("free", 1, True)
    done, payment = await _checkout(services, owner, bank, months=2)
    assert done.payment_url.startswith(bank.url) and done.amount == 2 * 199000
    init = payment.init
    assert init["NotificationURL"] == "http://admin.test/tbank/notify"
    assert init["Amount"] == 398000 and len(done.order_id) <= 36
    (item,) = init["Receipt"]["Items"]
    assert (item["Price"], item["Quantity"], item["Amount"]) == (199000, 2, 398000)
    assert init["Receipt"]["Email"] == EMAIL
    with pytest.raises(DomainError, match="plan_invalid"):
        await services.billing.checkout(owner, "free", 1, EMAIL)
    with pytest.raises(DomainError, match="email_invalid"):
        await services.billing.checkout(owner, "pro", 1, "nobody")


async def test_notifications_extend_once_and_forgeries_change_nothing(
    services, bank, clock, db_url
):
    owner = await owner_with_org(services)
    _, payment = await _checkout(services, owner, bank)
    pid = payment.payment_id
    with pytest.raises(DomainError, match="payment_forged"):
        await services.billing.notify({**bank.notification(pid, "CONFIRMED"), "Token": "0" * 64})
    with pytest.raises(DomainError, match="payment_forged"):
        await services.billing.notify({**bank.notification(pid, "CONFIRMED"), "Amount": 1})
    assert await _paid_until(services, owner) == ("free", None)
    await services.billing.notify(bank.notification(pid, "AUTHORIZED"))
    assert (await _paid_until(services, owner))[0] == "free"
    confirmed = bank.notification(pid, "CONFIRMED")
    await services.billing.notify(confirmed)
    expected = ("pro", add_months(clock.now(), 1))
    assert await _paid_until(services, owner) == expected
    await services.billing.notify(confirmed)
    await services.billing.notify(bank.notification(pid, "AUTHORIZED"))  # late and stale
    assert await _paid_until(services, owner) == expected
    notices = await _jobs(db_url, "billing_notice")
    assert [n["event"] for n in notices] == ["paid"]
    (stored,) = (await services.billing.overview(owner)).payments
    assert stored.status == "CONFIRMED" and stored.payment_id == pid
    assert "Pan" not in stored.raw and "Token" not in stored.raw


async def test_a_second_payment_extends_from_the_end_and_a_refund_ends_it(services, bank, clock):
    owner = await owner_with_org(services)
    _, first = await _checkout(services, owner, bank)
    await services.billing.notify(bank.notification(first.payment_id, "CONFIRMED"))
    start = clock.now()
    clock.advance(days=10)
    _, second = await _checkout(services, owner, bank, months=2)
    await services.billing.notify(bank.notification(second.payment_id, "CONFIRMED"))
    assert await _paid_until(services, owner) == ("pro", add_months(start, 3))
    await services.billing.notify(bank.notification(second.payment_id, "REFUNDED"))
    plan, _ = await _paid_until(services, owner)
    assert plan == "free"


async def test_concurrent_duplicate_notifications_apply_once(services, bank, db_url):
    owner = await owner_with_org(services)
    _, payment = await _checkout(services, owner, bank)
    confirmed = bank.notification(payment.payment_id, "CONFIRMED")
    await asyncio.gather(*(services.billing.notify(confirmed) for _ in range(4)))
    assert [n["event"] for n in await _jobs(db_url, "billing_notice")] == ["paid"]


async def test_reconcile_asks_the_bank_about_silent_payments(services, bank, clock):
    owner = await owner_with_org(services)
    _, payment = await _checkout(services, owner, bank)
    payment.history += ["AUTHORIZED", "CONFIRMED"]  # the bank's notifications were lost
    assert await services.billing.reconcile() == 0  # too fresh to ask about
    clock.advance(minutes=6)
    assert await services.billing.reconcile() == 1
    assert (await _paid_until(services, owner))[0] == "pro"
    assert await services.billing.reconcile() == 0


async def test_the_tick_warns_before_a_lapse_once_and_reschedules_itself(
    services, bank, clock, db_url
):
    owner = await owner_with_org(services)
    _, payment = await _checkout(services, owner, bank)
    await services.billing.notify(bank.notification(payment.payment_id, "CONFIRMED"))
    await services.billing.schedule_tick()
    clock.set(add_months(clock.now(), 1) - timedelta(days=2))
    await services.billing.tick(None)
    await services.billing.tick(None)
    events = [n["event"] for n in await _jobs(db_url, "billing_notice")]
    assert events == ["paid", "lapsing"]
    assert len(await _jobs(db_url, "billing_tick")) == 2


async def _join(services, token, name):
    person = profile(name)
    actor = await onboard(services, person)
    return await services.invites.accept(actor, token)


async def test_a_free_organization_is_refused_a_fourth_member(services, bank):
    owner = await owner_with_org(services)
    token = (await services.invites.create(owner, Role.WORKER, uses=10)).token
    await _join(services, token, "W1")
    await _join(services, token, "W2")
    with pytest.raises(DomainError) as refused:
        await _join(services, token, "W3")
    error = refused.value
    assert error.code == "plan_members_limit"
    assert error.params == {"limit": 3, "plan": "free", "upgrade_url": "http://admin.test/billing"}
    assert (await services.billing.overview(owner)).members == 3
    _, payment = await _checkout(services, owner, bank)
    await services.billing.notify(bank.notification(payment.payment_id, "CONFIRMED"))
    await _join(services, token, "W3")
    assert (await services.billing.overview(owner)).members == 4


async def test_two_people_racing_for_the_last_seat(services):
    owner = await owner_with_org(services)
    token = (await services.invites.create(owner, Role.WORKER, uses=10)).token
    await _join(services, token, "W1")
    people = [await onboard(services, profile(f"R{i}")) for i in range(3)]
    results = await asyncio.gather(
        *(services.invites.accept(p, token) for p in people), return_exceptions=True
    )
    refused = [r for r in results if isinstance(r, DomainError)]
    assert len(refused) == 2 and {r.code for r in refused} == {"plan_members_limit"}
    assert (await services.billing.overview(owner)).members == 3


async def test_the_monthly_order_limit(services, uow_factory, clock):
    owner = await owner_with_org(services)
    start, _ = usage_period(None, clock.now())
    async with uow_factory() as uow:
        await uow.billing.add_usage(owner.organization.id, start, "orders", 99, None, clock.now())
        await uow.commit()
    await services.orders.create(owner, OrderDraft(None, description="последний"))
    with pytest.raises(DomainError) as refused:
        await services.orders.create(owner, OrderDraft(None, description="лишний"))
    assert refused.value.code == "plan_orders_limit" and refused.value.params["limit"] == 100
    assert (await services.billing.overview(owner)).usage["orders"] == 100
