"""Work of a background job that ends in Telegram messages, done the way an update is: in a
unit of work of its own, the messages written to the outbox in that transaction and sent
right after by a sender of the job runner's (held for its lease: if this process dies first,
another sender takes them over). The invoice job's last step (the client's invoice message,
handlers/client_loop/invoice_news.py; its SMS or e-mail as a job) is one such work."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from telegram import Bot

from bot.container import Container
from bot.fleet import Fleet
from bot.outbox import LEASE, OutboxSender
from bot.routes import ClientRoutes
from core.runtime.binding import Binder
from core.runtime.jobs import default_worker_id
from core.services import Services
from handlers.client_loop.invoice_news import queue_invoice
from handlers.delivery.outgoing import Outgoing
from handlers.paperwork_jobs import Tell
from storage.db import session_factory
from storage.update_work import UpdateWork

Work = Callable[[Services, Outgoing], Awaitable[None]]


def outbox_runner(
    container: Container, bot: Bot, tag: str, fleet: Fleet | None = None
) -> Callable[[Work], Awaitable[None]]:
    """Run a work with services bound to one unit of work and its messages through the
    outbox (`tag` names this runner's sender; with `fleet`, clients' messages go through
    the organization's own bot when they have a chat with it: bot/routes.py)."""
    services, catalogs = container.services, container.catalogs
    sessions = session_factory(container.engine)
    binder = Binder(services)
    routes = ClientRoutes(fleet, services) if fleet is not None else None
    sender = OutboxSender(
        bot, sessions, services.clock, services, catalogs, services.orders.map_of,
        f"{default_worker_id()}:{tag}", bots=fleet.bot if fleet else None,
        refused=fleet.refused if fleet else None, routes=routes,
    )  # fmt: skip

    async def run(work_of: Work) -> None:
        outgoing = Outgoing()
        fire = container.jobs_added.fire
        async with UpdateWork(sessions, services.clock, None, fire) as work:
            await work_of(binder.bind(work.units), outgoing)
            stored = await work.finish(outgoing.deliveries, sender.owner, LEASE)
        if stored:
            await sender.deliver(stored)

    return run


def invoice_teller(container: Container, fleet: Fleet) -> Tell:
    run = outbox_runner(container, fleet.shared, "invoice-outbox", fleet)
    catalogs = container.catalogs

    async def tell(org_id: int, invoice_id: int) -> None:
        async def work(bound: Services, outgoing: Outgoing) -> None:
            await queue_invoice(bound, catalogs, outgoing, org_id, invoice_id)

        await run(work)

    return tell
