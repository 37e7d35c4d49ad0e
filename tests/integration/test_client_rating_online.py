"""An online payment (T-Bank notification) that pays a done order in full schedules the
client's rating like a payment recorded by the worker (issue 19, item 8), once, whatever
notifications are replayed (SQLite and PostgreSQL, the T-Bank fake)."""

from __future__ import annotations

from sqlalchemy import select

from core.client_loop.ratings import RATING_JOB
from storage.tables import JobRow
from tests.integration.test_client_payments import _connect, _done
from tests.integration.test_client_payments import w as w
from tests.support import owner_with_org


async def _rating_jobs(w):
    async with w.services.orders._uow() as uow:
        rows = await uow.session.execute(select(JobRow).where(JobRow.kind == RATING_JOB))
        return list(rows.scalars())


async def test_an_online_payment_in_full_schedules_the_rating_once(w):
    owner = await owner_with_org(w.services)
    org_id = owner.organization.id
    await _connect(w, owner)
    order = await _done(w, owner)
    assert await _rating_jobs(w) == []  # done, not paid: nothing yet
    link = await w.services.client_payments.link(org_id, order.id)
    assert link is not None and link.payment_id
    (payment,) = w.bank.payments.values()
    await w.bank.pay(payment.payment_id)  # AUTHORIZED, then CONFIRMED
    await w.bank.notify(payment.payment_id, "CONFIRMED")  # a replay
    (job,) = await _rating_jobs(w)
    assert job.dedup_key == f"rating:{order.id}" and job.payload["order"] == order.id
