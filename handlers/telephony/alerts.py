"""Background messages about calls to the organization's owners and managers: a missed call
(call back, or a new order for an unknown number), an answered call from an unknown number
(a new client?) and a recorded call's summary (create an order, or attach it to one)."""

from __future__ import annotations

import logging
from collections.abc import Callable

from telegram import Bot, InlineKeyboardMarkup
from telegram.error import BadRequest, Forbidden

from core.domain import Job
from core.runtime.jobs import JobHandler
from core.services import Services
from core.telephony.call_log import CALL_MISSED_JOB, CALL_SUMMARY_JOB, CALL_UNKNOWN_JOB
from core.views import CallView
from handlers.delivery.edits import edit_sent
from handlers.i18n import Catalogs, Translator
from handlers.telephony.render import (
    missed_keyboard,
    missed_text,
    new_client_keyboard,
    summary_keyboard,
    summary_text,
    unknown_text,
)

log = logging.getLogger(__name__)
Render = Callable[[Translator, CallView], tuple[str, InlineKeyboardMarkup | None]]


def _missed(t: Translator, view: CallView) -> tuple[str, InlineKeyboardMarkup | None]:
    return missed_text(t, view), missed_keyboard(t, view)


def _unknown(t: Translator, view: CallView) -> tuple[str, InlineKeyboardMarkup | None]:
    return unknown_text(t, view), new_client_keyboard(t, view)


def _summary(t: Translator, view: CallView) -> tuple[str, InlineKeyboardMarkup | None]:
    return summary_text(t, view), summary_keyboard(t, view)


def call_presenters(bot: Bot, services: Services, catalogs: Catalogs) -> dict[str, JobHandler]:
    """Presenter job kinds of the call log."""

    def handler(render: Render, remember: bool = False) -> JobHandler:
        async def run(job: Job) -> None:
            await _broadcast(bot, services, catalogs, job, render, remember)

        return run

    return {
        CALL_MISSED_JOB: handler(_missed, remember=True),
        CALL_UNKNOWN_JOB: handler(_unknown),
        CALL_SUMMARY_JOB: handler(_summary),
    }


async def _broadcast(
    bot: Bot, services: Services, catalogs: Catalogs, job: Job, render: Render, remember: bool
) -> None:
    org_id = job.organization_id
    view = await services.calls.view(org_id, int(str(job.payload["call_id"]))) if org_id else None
    if org_id is None or view is None:
        return
    sent: list[tuple[int, int, int]] = []
    for user in await services.team.leads(org_id):
        t = catalogs.get(user.preferred_language(catalogs.default))
        text, markup = render(t, view)
        try:
            message = await bot.send_message(user.telegram_id, text, reply_markup=markup)
        except Forbidden:
            await services.users.mark_unreachable(user.telegram_id)
            continue
        except BadRequest as error:
            log.info("call message not delivered: %s", type(error).__name__)
            continue
        sent.append((user.id, user.telegram_id, message.message_id))
    if remember and sent:
        await services.calls.remember_alerts(org_id, view.call.id, sent)
        # Someone may have tapped "I'll call back" before the alerts were remembered.
        fresh = await services.calls.view(org_id, view.call.id)
        if fresh is not None and fresh.callback is not None:
            await refresh_alerts(bot, services, catalogs, fresh)


async def refresh_alerts(bot: Bot, services: Services, catalogs: Catalogs, view: CallView) -> None:
    """Every manager's missed-call alert shows who is calling back, without the button."""
    for user_id, chat_id, message_id in view.call.alerts:
        user = await services.users.get(user_id)
        t = catalogs.get(user.preferred_language(catalogs.default) if user else None)
        try:
            await edit_sent(
                bot, chat_id, message_id, missed_text(t, view), missed_keyboard(t, view)
            )
        except (BadRequest, Forbidden) as error:
            log.info("call alert not updated: %s", type(error).__name__)
