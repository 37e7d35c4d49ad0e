"""The client's rating (issue 19, item 8) in Telegram: the question with five star buttons
(a job, `client_rating`, due a set time after the order is settled), the tap, the comment
(the client's next text, or Skip), and the alert a low rating sends the owner and the manager
(a job, `client_rating_alert`, queued with the rating). SMS and e-mail clients rate on the
order's page (`bot/admin/client_page.py`), which the core queues for them."""

from __future__ import annotations

import logging
from datetime import datetime

from telegram import Bot, InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest, Forbidden

from core.client_loop.model import DeliveryStatus
from core.client_loop.ratings import ALERT_JOB, LOW, RATING_JOB, RatingAlert
from core.domain import Job
from core.ownbot.routing import message_ref
from core.runtime.jobs import JobHandler
from core.services import Services
from handlers import callbacks as cb
from handlers.client_loop.client_bot import ChatBots, text_to, to_client, to_staff
from handlers.client_loop.confirm import fitted
from handlers.context import BotContext
from handlers.delivery.edits import edit_tapped
from handlers.delivery.lanes import broadcast
from handlers.delivery.replies import reply
from handlers.i18n import Catalogs, Translator, escape
from handlers.keyboards import button

log = logging.getLogger(__name__)


def stars_text(stars: int) -> str:
    return "⭐" * stars


def rating_keyboard(org_id: int, rating_id: int) -> InlineKeyboardMarkup:
    """Five buttons, one to five stars."""
    return InlineKeyboardMarkup(
        [[button(f"{n} ⭐", cb.ClientRate(org_id, rating_id, n)) for n in (1, 2, 3, 4, 5)]]
    )


def skip_keyboard(t: Translator, org_id: int, rating_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[button(t.raw("Skip"), cb.ClientRateSkip(org_id, rating_id))]])


async def rating_tap(
    update: Update, ctx: BotContext, tap: cb.ClientRate | cb.ClientRateSkip
) -> None:
    """The client's stars (once: a second tap says it was already rated) or Skip."""
    query = update.callback_query
    assert query is not None
    t, service = ctx.t, ctx.services.client_loop
    question = escape(getattr(query.message, "text", None) or "")
    if isinstance(tap, cb.ClientRateSkip):
        await service.skip_comment(ctx.actor.user, tap.org_id, tap.rating_id)
        await query.answer()
        await edit_tapped(ctx, query, f"{question}\n\n{t('Thank you for your rating!')}")
        return
    rated = await service.rate_in_chat(ctx.actor.user, tap.org_id, tap.rating_id, tap.stars)
    await query.answer()
    stars = rated.rating.stars or tap.stars
    if rated.already:
        await edit_tapped(
            ctx, query, f"{question}\n\n{stars_text(stars)}\n{t('You have rated this visit.')}"
        )
        return
    ask = t("Thank you! Would you like to add a comment? Send it as a message, or tap Skip.")
    markup = skip_keyboard(t, tap.org_id, tap.rating_id)
    await edit_tapped(ctx, query, f"{question}\n\n{stars_text(stars)}\n{ask}", markup)


async def rating_comment(update: Update, ctx: BotContext) -> bool:
    """The client's text as the comment of the rating they just gave (False: it is not one)."""
    message = update.effective_message
    if message is None or not message.text:
        return False
    done = await ctx.services.client_loop.rating_comment(ctx.actor.user, message.text)
    if done is None:
        return False
    await reply(ctx, update, ctx.t("Thank you for your feedback!"))
    return True


def alert_text(t: Translator, alert: RatingAlert) -> str:
    """A low rating as staff read it: the order, the stars, the client, the worker, the
    comment."""
    if alert.stage == "comment":
        head = t(
            "💬 The client commented on their rating of order №{number}:", number=alert.number
        )
    else:
        head = t(
            "⚠️ Low rating for order №{number}: {stars} of 5.",
            number=alert.number,
            stars=alert.stars,
        )
    lines = [head, f"{stars_text(alert.stars)}", t("Client: {name}", name=alert.client_name)]
    if alert.worker_name:
        lines.append(t("Worker: {name}", name=alert.worker_name))
    if alert.comment:
        lines.append(t("Comment: «{comment}»", comment=alert.comment[:1000]))
    return "\n".join(lines)


def rating_jobs(
    clients: ChatBots, services: Services, catalogs: Catalogs, base_url: str
) -> dict[str, JobHandler]:
    """The question (sent here for Telegram, marked sent with Telegram's message id) and the
    low-rating alert."""

    async def ask(job: Job) -> None:
        org_id, order_id = int(str(job.payload["org"])), int(str(job.payload["order"]))
        raw = job.payload.get("settled")
        settled = datetime.fromisoformat(raw) if isinstance(raw, str) else None
        loop = services.client_loop
        asked = await loop.ask_rating(org_id, order_id, catalogs.default, base_url, settled)
        if asked is None:
            return  # not for this client, asked before, or by SMS or e-mail (their own jobs)
        markup = rating_keyboard(org_id, asked.rating_id)
        text = escape(fitted(asked.text))

        async def send_through(bot: Bot) -> Message:
            return await bot.send_message(
                asked.chat_id, text, reply_markup=markup, **broadcast(bot)
            )

        try:
            number, sent = await to_client(clients, org_id, asked.chat_id, send_through)
        except (BadRequest, Forbidden) as error:
            log.info("rating question %s not delivered: %s", asked.rating_id, type(error).__name__)
            await services.client_loop.mark(org_id, asked.message_id, DeliveryStatus.FAILED)
            return
        await services.client_loop.mark(
            org_id, asked.message_id, DeliveryStatus.SENT, message_ref(number, sent.message_id)
        )

    async def alert(job: Job) -> None:
        org_id, rating_id = int(str(job.payload["org"])), int(str(job.payload["rating"]))
        stage = str(job.payload["stage"])
        found = await services.client_loop.rating_alert(org_id, rating_id, stage)
        if found is None or found.stars > LOW:
            return
        for user in found.recipients:
            t = catalogs.get(user.preferred_language(catalogs.default))
            label = t("Open order №{number}", number=found.number)
            markup = InlineKeyboardMarkup([[button(label, cb.OpenOrder(found.order_id))]])
            try:
                await to_staff(
                    clients,
                    user.telegram_id,
                    text_to(user.telegram_id, alert_text(t, found), markup),
                )
            except (BadRequest, Forbidden) as error:
                log.info("rating alert not delivered: %s", type(error).__name__)

    return {RATING_JOB: ask, ALERT_JOB: alert}
