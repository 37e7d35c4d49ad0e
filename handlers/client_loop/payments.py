"""The client's side of a done order and its payment (issue 19, item 7), as jobs:

- `client_pay_link` (queued by the change that finished the order): the payment link from the
  organization's own T-Bank terminal when it has one (Init; a temporary failure is retried by
  the job queue before anything is sent), then the done summary (what was done, the amount
  due when the organization shows prices, the work's photos when it allows them) and the
  payment message: in Telegram one message, the summary and the payment text with the Pay
  button above "I accept the work" (each logged as its own kind, marked sent with the one
  message's id), then the photos; by SMS or e-mail one message too, the link in the text.
- `client_payment_check` (queued with the link, 10 minutes later, then backing off for a
  day): GetState for a payment whose notification never came (`core.client_loop.pay_checks`).
- `client_payment_recorded` (queued with the payment, online or cash/card on site, or with an
  online refund): the client's receipt message and, for an online payment or refund, a
  notice to the assignee and the owners and managers.

Telegram messages are logged as queued and marked sent with Telegram's message id; SMS and
e-mail go through the client delivery jobs. Logs name ids and error types only.
"""

from __future__ import annotations

import logging
from dataclasses import replace

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, InputMediaPhoto, Message
from telegram.error import BadRequest, Forbidden

from core.client_loop.model import DeliveryStatus, MessageKind
from core.client_loop.pay_messages import PayDraft
from core.client_loop.pay_service import CHECK_JOB, LINK_JOB, RECORDED_JOB, REFUND_JOB
from core.client_loop.payments import ONLINE, PaymentRecorded, recorded_of
from core.client_loop.templates import render
from core.domain import Job, Order
from core.errors import ExternalServiceError
from core.ownbot.routing import message_ref
from core.runtime.jobs import DEFAULT_MAX_ATTEMPTS, JobHandler, max_attempts_of
from core.services import Services
from handlers.client_loop.acceptance import accept_markup
from handlers.client_loop.client_bot import ChatBots, file_bytes, text_to, to_client, to_staff
from handlers.client_loop.confirm import fitted
from handlers.context import BotContext
from handlers.delivery.lanes import broadcast
from handlers.formatting import money
from handlers.i18n import Catalogs, escape

log = logging.getLogger(__name__)


async def _send(
    bots: ChatBots,
    services: Services,
    draft: PayDraft,
    values: dict[str, str | None],
    markup: InlineKeyboardMarkup | None = None,
) -> None:
    """One message in the client's channel; Telegram now, SMS or e-mail as a job."""
    if not draft.telegram:
        await services.client_payments.queue_elsewhere(draft, values)
        return
    await _telegram(bots, services, [(draft, values)], markup)


Part = tuple[PayDraft, dict[str, str | None]]


async def _telegram(
    bots: ChatBots, services: Services, parts: list[Part], markup: InlineKeyboardMarkup | None
) -> None:
    """One Telegram message holding the parts' texts (each logged as its own kind, marked
    sent with the one message's id)."""
    texts = [render(draft.kind, draft.template, values) for draft, values in parts]
    logged = [
        await services.client_payments.log_telegram(draft, fitted(text))
        for (draft, _), text in zip(parts, texts, strict=True)
    ]
    first = parts[0][0]
    org_id = first.organization_id
    text = escape(fitted("\n\n".join(texts)))

    async def send_through(bot: Bot) -> Message:
        return await bot.send_message(first.chat_id, text, reply_markup=markup, **broadcast(bot))

    try:
        number, sent = await to_client(bots, org_id, first.chat_id, send_through)
    except (BadRequest, Forbidden) as error:
        log.info("client message %s not delivered: %s", logged[0], type(error).__name__)
        for entry in logged:
            await services.client_loop.mark(org_id, entry, DeliveryStatus.FAILED)
        return
    for entry in logged:
        ref = message_ref(number, sent.message_id)
        await services.client_loop.mark(org_id, entry, DeliveryStatus.SENT, ref)


def _with_payment(summary: Part, ask: PayDraft, values: dict[str, str | None]) -> Part:
    """The done summary with the payment text under it, as one SMS or e-mail: the payment
    text rendered now (its own kind's template) and kept literally in the summary's."""
    pay_text = render(ask.kind, ask.template, values)
    literal = pay_text.replace("{", "{{").replace("}", "}}")
    draft, kept = summary
    return replace(draft, template=f"{draft.template}\n\n{literal}"), kept


async def _photos(bots: ChatBots, org_id: int, chat_id: int, photos: list[str]) -> None:
    """The work's photos after the summary (the organization allows it): one, or an album.
    Their file ids are the shared bot's: through the organization's own bot they go as
    their bytes, fetched through the shared bot (docs/own-bot.md, Files)."""
    shared = bots.shared

    async def send_through(bot: Bot) -> object:
        sources: list[str | bytes] = list(photos)
        if bot is not shared:
            sources = [await file_bytes(shared, file_id) for file_id in photos]
        if len(sources) == 1:
            return await bot.send_photo(chat_id, sources[0], **broadcast(bot))
        return await bot.send_media_group(
            chat_id, [InputMediaPhoto(source) for source in sources], **broadcast(bot)
        )

    if not photos:
        return
    try:
        await to_client(bots, org_id, chat_id, send_through)
    except (BadRequest, Forbidden) as error:
        log.info("done photos not delivered: %s", type(error).__name__)


def payment_jobs(bots: ChatBots, services: Services, catalogs: Catalogs) -> dict[str, JobHandler]:
    payments = services.client_payments

    async def done(job: Job) -> None:
        org_id, order_id = int(str(job.payload["org"])), int(str(job.payload["order"]))
        link = None
        try:
            link = await payments.link(org_id, order_id)
        except ExternalServiceError as error:
            if error.retryable and job.attempts < max_attempts_of(job, DEFAULT_MAX_ATTEMPTS):
                raise  # the bank may answer later: nothing was sent yet
            log.warning("payment link for order %s not made: %s", order_id, type(error).__name__)
        parts: list[Part] = []  # in Telegram: one message, the Pay button on the summary
        elsewhere: Part | None = None  # by SMS or e-mail: one message too, the link in it
        rows: list[list[InlineKeyboardButton]] = []
        summary = await payments.draft(org_id, order_id, MessageKind.DONE, catalogs.default)
        if summary is not None:
            t = catalogs.get(summary.language)
            values = dict(summary.values)
            shown = summary.show_prices and summary.due_minor > 0
            values["amount"] = money(t, summary.due_minor, summary.currency) if shown else None
            if summary.telegram:  # with I accept the work
                parts.append((summary, values))
                rows += [list(row) for row in accept_markup(t, org_id, order_id).inline_keyboard]
            else:  # queued below, with the payment text when that goes the same way
                elsewhere = (summary, values)
        ask = None
        if link is not None and link.payment_url is not None:
            ask = await payments.draft(
                org_id, order_id, MessageKind.PAYMENT_LINK, catalogs.default
            )
        if ask is not None and link is not None and link.payment_url is not None:
            t = catalogs.get(ask.language)
            amount = money(t, link.amount_minor, ask.currency)
            values = {**ask.values, "amount": amount, "pay_link": link.payment_url}
            if ask.telegram and (not parts or parts[0][0].chat_id == ask.chat_id):
                parts.append((ask, values))
                label = t("💳 Pay {amount}", amount=amount)
                rows.insert(0, [InlineKeyboardButton(label, url=link.payment_url)])
            elif elsewhere is not None and ask.channels == elsewhere[0].channels:
                elsewhere = _with_payment(elsewhere, ask, values)
            else:
                if elsewhere is not None:
                    await payments.queue_elsewhere(*elsewhere)
                    elsewhere = None
                await _send(bots, services, ask, values)
        if elsewhere is not None:
            await payments.queue_elsewhere(*elsewhere)
        if parts:
            await _telegram(bots, services, parts, InlineKeyboardMarkup(rows))
        if summary is not None and summary.telegram and summary.send_photos:
            photos = await payments.done_photos(org_id, order_id)
            await _photos(bots, org_id, summary.chat_id, photos)

    async def recorded(job: Job) -> None:
        news = recorded_of(dict(job.payload))
        receipt = await payments.draft(
            news.organization_id, news.order_id, MessageKind.RECEIPT, catalogs.default
        )
        if receipt is not None:
            t = catalogs.get(receipt.language)
            values = {
                **receipt.values,
                "amount": money(t, abs(news.amount_minor), receipt.currency),
            }
            if news.amount_minor < 0 and news.rest is not None:  # a part of it refunded
                refunded = t.raw("{org_name}: {amount} of your payment was refunded to your card.")
                receipt = replace(receipt, template=refunded)
            elif news.amount_minor < 0:  # an online refund: the same kind, its own text
                refunded = t.raw("{org_name}: the payment of {amount} was refunded.")
                receipt = replace(receipt, template=refunded)
            await _send(bots, services, receipt, values)
        if news.via == ONLINE:
            await _tell_staff(bots, services, catalogs, news)

    return {
        LINK_JOB: done, RECORDED_JOB: recorded, REFUND_JOB: payments.refund_job,
        CHECK_JOB: payments.check_job,
    }  # fmt: skip


async def _tell_staff(
    bots: ChatBots, services: Services, catalogs: Catalogs, news: PaymentRecorded
) -> None:
    """The assignee and the owners and managers hear of an online payment or refund."""
    order, people = await services.client_payments.staff_to_tell(
        news.organization_id, news.order_id
    )
    if order is None:
        return
    org = await services.client_payments.org_of(news.organization_id)
    currency = org.currency if org is not None else "RUB"
    for person in people:
        t = catalogs.get(person.preferred_language(catalogs.default))
        amount = money(t, abs(news.amount_minor), currency)
        if news.amount_minor > 0:
            text = t("💳 Order №{number} was paid online: {amount}.", number=order.number,
                     amount=amount)  # fmt: skip
        else:
            text = t("↩️ The online payment of order №{number} was refunded: {amount}.",
                     number=order.number, amount=amount)  # fmt: skip
        try:
            await to_staff(bots, person.telegram_id, text_to(person.telegram_id, text))
        except (BadRequest, Forbidden) as error:
            log.info("payment notice not delivered: %s", type(error).__name__)


PAYMENT_EVENTS = frozenset({"done", "pay"})


async def payment_news(ctx: BotContext, order: Order, event: str) -> None:
    """In the update that finished the order or recorded a payment on site: queue the job
    that tells the client (one INSERT, only for an order of a client)."""
    if event == "done":
        await ctx.services.client_payments.request_link(order)
    elif event == "pay":
        await ctx.services.client_payments.on_site(order)
