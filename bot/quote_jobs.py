"""The quote's one reminder (docs/quotes.md): the durable job `quote_remind` queued when the
quote was sent (one per quote) stamps the reminder (`QuoteService.remind` decides; nothing is
sent when it returns nothing: answered, expired or reminded already) and queues the message by
the client's channel in the same unit of work (`bot.invoice_tell.outbox_runner`)."""

from __future__ import annotations

from bot.container import Container
from bot.fleet import Fleet
from bot.invoice_tell import outbox_runner
from core.client_loop.model import MessageKind
from core.domain import Job
from core.quotes.delivery import REMIND_JOB
from core.runtime.jobs import JobHandler
from core.services import Services
from handlers.delivery.outgoing import Outgoing
from handlers.quotes.delivery import send_quote


def quote_jobs(container: Container, fleet: Fleet) -> dict[str, JobHandler]:
    run = outbox_runner(container, fleet.shared, "quote-outbox", fleet)
    catalogs = container.catalogs

    async def remind(job: Job) -> None:
        org_id, quote_id = int(str(job.payload["org"])), int(str(job.payload["quote"]))

        async def work(bound: Services, outgoing: Outgoing) -> None:
            if await bound.quotes.remind(org_id, quote_id) is None:
                return
            kind = MessageKind.QUOTE_REMINDER
            await send_quote(bound, catalogs, outgoing, org_id, quote_id, kind)

        await run(work)

    return {REMIND_JOB: remind}
