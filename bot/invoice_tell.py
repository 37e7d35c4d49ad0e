"""The invoice job's last step in a process with a bot: the client's invoice message
(handlers/client_loop/invoice_news.py) in a unit of work of its own, its Telegram documents
written to the outbox in that transaction and sent right after by a sender of the job
runner's (held for its lease: if this process dies first, another sender takes them over),
its SMS or e-mail as a job."""

from __future__ import annotations

from telegram import Bot

from bot.container import Container
from bot.outbox import LEASE, OutboxSender
from core.runtime.binding import Binder
from core.runtime.jobs import default_worker_id
from handlers.client_loop.invoice_news import queue_invoice
from handlers.delivery.outgoing import Outgoing
from handlers.paperwork_jobs import Tell
from storage.db import session_factory
from storage.update_work import UpdateWork


def invoice_teller(container: Container, bot: Bot) -> Tell:
    services, catalogs = container.services, container.catalogs
    sessions = session_factory(container.engine)
    binder = Binder(services)
    sender = OutboxSender(
        bot, sessions, services.clock, services, catalogs, services.orders.map_of,
        f"{default_worker_id()}:invoice-outbox",
    )  # fmt: skip

    async def tell(org_id: int, invoice_id: int) -> None:
        outgoing = Outgoing()
        fire = container.jobs_added.fire
        async with UpdateWork(sessions, services.clock, None, fire) as work:
            bound = binder.bind(work.units)
            await queue_invoice(bound, catalogs, outgoing, org_id, invoice_id)
            stored = await work.finish(outgoing.deliveries, sender.owner, LEASE)
        if stored:
            await sender.deliver(stored)

    return tell
