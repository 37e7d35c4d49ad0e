"""A quote (or its reminder) to the client by their channel (`core.quotes.delivery`):
Telegram through the outbox with Approve / Decline / Ask a question, SMS or e-mail as a job;
sending the quote also queues its one reminder job."""

from __future__ import annotations

from babel.dates import format_date
from telegram import InlineKeyboardMarkup

from core.client_loop.model import MessageKind
from core.client_loop.templates import render
from core.quotes.delivery import QuoteDraft
from core.runtime.outbox import After
from core.services import Services
from handlers import callbacks as cb
from handlers.client_loop.confirm import fitted
from handlers.delivery.outgoing import Outgoing
from handlers.formatting import money
from handlers.i18n import N_, Catalogs, Translator, escape
from handlers.keyboards import button
from handlers.orders.line_render import line_text

ASK = N_("Approve it to pick a time for the visit, decline it, or ask us a question.")


def answer_keyboard(t: Translator, org_id: int, quote_id: int) -> InlineKeyboardMarkup:
    def tap(what: str) -> cb.QuoteAnswer:
        return cb.QuoteAnswer(org_id, quote_id, what)  # type: ignore[arg-type]

    return InlineKeyboardMarkup(
        [
            [button(t.raw("✅ Approve"), tap("a")), button(t.raw("✖️ Decline"), tap("d"))],
            [button(t.raw("❓ Ask a question"), tap("q"))],
        ]
    )


def quote_text(t: Translator, draft: QuoteDraft, values: dict[str, str]) -> str:
    """The template, the lines and what the buttons do (plain text)."""
    head = render(draft.kind, draft.template, {**draft.values, **values}).strip()
    lines = [f"{n}. {line_text(t, x, draft.currency)}" for n, x in enumerate(draft.lines, 1)]
    return fitted("\n\n".join([head, "\n".join(lines), t.raw(ASK)]))


async def send_quote(
    services: Services,
    catalogs: Catalogs,
    outgoing: Outgoing,
    org_id: int,
    quote_id: int,
    kind: MessageKind = MessageKind.QUOTE,
) -> bool:
    """Queue the client's message about the quote (False: they cannot be reached)."""
    messages = services.quote_messages
    draft = await messages.draft(org_id, quote_id, kind, catalogs.default)
    if draft is None:
        return False
    t, quote = catalogs.get(draft.language), draft.quote
    values = {
        "amount": money(t, quote.total_minor, draft.currency),
        "valid_until": format_date(quote.valid_until, "d MMMM y", locale=t.locale),
    }
    if not draft.telegram:
        queued = await messages.queue_elsewhere(draft, values)
    else:
        text = quote_text(t, draft, values)
        logged = await messages.queue(draft, text, quote.created_by)
        args: dict[str, int | str] = {"org": org_id, "message": logged.id}
        markup = answer_keyboard(t, org_id, quote.id)
        outgoing.send(draft.chat_id, escape(text), markup, After.CLIENT_MESSAGE, args)
        queued = True
    if queued and kind is MessageKind.QUOTE:
        await messages.remind_later(quote)
    return queued
