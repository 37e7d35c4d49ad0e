"""A quote (and its one reminder) on its way to the client (docs/quotes.md): by the client
loop's channel choice (`reach_of`), Telegram through the outbox with the answer buttons (the
presentation adds them), SMS or e-mail as a job with the quote's page link. Read and queued in
the caller's unit of work (the /quote conversation's update, the reminder job's), so a quote
rolled back sends nothing; sending queues the reminder's durable job, one per quote."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from core.catalogue.model import LineItem
from core.client_loop.model import Channel, ClientMessage, Direction, MessageKind, NewClientMessage
from core.client_loop.outgoing import enqueue_first
from core.client_loop.ratings import reach_of
from core.client_loop.templates import LANGUAGES, default
from core.client_loop.views import client_first_name
from core.ports import Clock, UowFactory
from core.quotes.model import REMIND_AFTER, Quote
from core.quotes.page import issue_page

REMIND_JOB = "quote_remind"


@dataclass(frozen=True, slots=True)
class QuoteDraft:
    """One message about one quote for its client, not yet rendered (the presentation fills
    in the amount and the day as the client's language writes them)."""

    quote: Quote
    lines: tuple[LineItem, ...]
    kind: MessageKind
    chat_id: int  # the client's Telegram id (0: not in Telegram)
    language: str
    template: str
    values: dict[str, str | None]
    currency: str
    channels: tuple[Channel, ...]
    link: str | None  # the quote's page, for SMS and e-mail

    @property
    def telegram(self) -> bool:
        return self.channels[0] is Channel.TELEGRAM


class QuoteMessages:
    def __init__(self, uow: UowFactory, clock: Clock, public_url: str | None = None) -> None:
        self._uow = uow
        self._clock = clock
        # where the quote pages live (`…/q/`), for the link in SMS and e-mail
        self._pages = public_url.rstrip("/") + "/q/" if public_url else None

    async def draft(
        self, org_id: int, quote_id: int, kind: MessageKind, default_language: str
    ) -> QuoteDraft | None:
        """The client's message of `kind` about the quote, or None: the client cannot be
        reached now (not linked and no SMS or e-mail, /stop, the kind turned off)."""
        async with self._uow() as uow:
            quote = await uow.quotes.get(org_id, quote_id)
            org = await uow.orgs.get(org_id)
            client = await uow.clients.get(org_id, quote.client_id) if quote else None
            if quote is None or org is None or client is None:
                return None
            link = await uow.client_loop.link(org_id, client.id)
            settings = await uow.client_loop.settings(org_id)
            channels = settings.route(kind, await reach_of(uow, org_id, client, link))
            if not channels or not settings.sends(kind):
                return None
            person = None
            if channels[0] is Channel.TELEGRAM and link is not None:
                person = await uow.users.get(link.user_id)
                if person is None:
                    return None
            language = person.preferred_language(default_language) if person else ""
            language = language or org.language or default_language
            language = language if language in LANGUAGES else "en"
            own = [
                t.body
                for t in await uow.client_loop.templates(org_id)
                if t.kind is kind and t.language == language
            ]
            lines = await uow.quotes.lines(org_id, quote.id)
            page = None
            if self._pages is not None and channels[0] is not Channel.TELEGRAM:
                now = self._clock.now()
                page = self._pages + await issue_page(uow, quote, org.timezone, now)
                await uow.commit()
        values: dict[str, str | None] = {
            "org_name": org.name, "client_first_name": client_first_name(client.name),
            "quote_number": str(quote.id), "page_link": page,
        }  # fmt: skip
        return QuoteDraft(
            quote, lines, kind, person.telegram_id if person else 0, language,
            own[0] if own else default(kind, language), values, org.currency, channels, page,
        )  # fmt: skip

    async def queue(self, draft: QuoteDraft, text: str, author_id: int | None) -> ClientMessage:
        """Log the Telegram message as queued (marked sent when Telegram answers)."""
        new = NewClientMessage(
            client_id=draft.quote.client_id, direction=Direction.OUT, kind=draft.kind,
            channel=Channel.TELEGRAM, body=text[:4096], author_id=author_id,
        )  # fmt: skip
        async with self._uow() as uow:
            logged = await uow.client_loop.add_message(
                draft.quote.organization_id, new, self._clock.now()
            )
            await uow.commit()
        return logged

    async def queue_elsewhere(self, draft: QuoteDraft, values: dict[str, str]) -> bool:
        """SMS or e-mail: a job per message, once per quote and kind (False: none took it)."""
        quote = draft.quote
        payload: dict[str, Any] = {
            "org": quote.organization_id, "client": quote.client_id, "order": None,
            "number": 0, "kind": draft.kind.value, "language": draft.language,
            "template": draft.template, "values": {**draft.values, **values},
            "invitation": None, "dedup": f"quote:{quote.id}:{draft.kind.value}",
            "channels": [c.value for c in draft.channels],
        }  # fmt: skip
        async with self._uow() as uow:
            org = await uow.orgs.get(quote.organization_id)
            settings = await uow.client_loop.settings(quote.organization_id)
            zone = org.timezone if org else "UTC"
            taken = await enqueue_first(
                uow, self._clock, payload, draft.channels, zone, settings.quiet_hours
            )
            await uow.commit()
        return taken is not None

    async def remind_later(self, quote: Quote) -> None:
        """Queue the quote's one reminder job (deduplicated by the quote's id)."""
        assert quote.sent_at is not None
        job = {"org": quote.organization_id, "quote": quote.id}
        async with self._uow() as uow:
            await uow.jobs.enqueue(
                REMIND_JOB, job, quote.sent_at + REMIND_AFTER + timedelta(minutes=1),
                quote.organization_id, f"quote:{quote.id}:remind",
            )  # fmt: skip
            await uow.commit()
