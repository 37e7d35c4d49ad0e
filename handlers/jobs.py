"""Background jobs that end in a message to someone, and the alert when a job gives up."""

from __future__ import annotations

import logging
from collections.abc import Callable

from telegram import Bot
from telegram.error import BadRequest, Forbidden

from core.domain import Job
from core.files.service import ALBUM_JOB
from core.runtime.jobs import JobHandler
from core.services import Services
from handlers.admin import billing_jobs
from handlers.client_loop.client_bot import ChatBots, text_to, to_staff
from handlers.delivery.lanes import broadcast
from handlers.files import saved_text
from handlers.i18n import N_, Catalogs
from handlers.privacy.exports import export_jobs
from handlers.telephony.alerts import call_presenters

log = logging.getLogger(__name__)

JOB_NAMES = {
    "upload": N_("saving a file to storage"),
    "transcribe": N_("transcribing a voice note"),
    "summarize": N_("summarising a voice note"),
    "digest": N_("sending a digest"),
    "plan": N_("sending a day's plan"),
    "plan_update": N_("sending a changed plan"),
    "reminder": N_("sending a reminder"),
    "overdue": N_("sending an overdue alert"),
    "untaken": N_("sending an alert about an offer nobody took"),
    "fetch_recording": N_("fetching a call recording"),
    "transcribe_call": N_("transcribing a call"),
    "summarize_call": N_("summarising a call"),
    "export": N_("preparing a data export"),
    "erase_objects": N_("removing erased files from storage"),
    "org_purge": N_("purging a deleted organization"),
    "retention": N_("deleting data past its retention period"),
    "webhook": N_("sending a webhook"),
    "quote_remind": N_("reminding a client of a quote"),
    "ownbot_check": N_("checking the organization's own bot with Telegram"),
}


def presenter_jobs(
    bot: Bot, services: Services, catalogs: Catalogs, bots: Callable[[int], Bot] | None = None
) -> dict[str, JobHandler]:
    """Job kinds whose work is a message to someone, other than the scheduled messages
    (handlers.notifications.digests.notification_jobs, a lane of their own: bot/jobs.py);
    `bots`: the bot of a number, for a message an own bot sent (core/ownbot/routing.py)."""

    async def album_ack(job: Job) -> None:
        summary = await services.files.album_summary(job)
        user = await services.users.get(int(str(job.payload["user_id"])))
        if summary is None or user is None:
            return
        t = catalogs.get(user.preferred_language(catalogs.default))
        attached, pending = summary
        number = int(str(job.payload.get("bot") or 0))  # the bot the album came through
        through = bots(number) if bots is not None and number else bot
        await _send(through, int(str(job.payload["chat_id"])), saved_text(t, attached, pending))

    return {
        ALBUM_JOB: album_ack,
        **billing_jobs(bot, services, catalogs),
        **call_presenters(bot, services, catalogs),
        **export_jobs(bot, services, catalogs, bots),
    }


async def _send(bot: Bot, chat_id: int, text: str) -> None:
    try:
        await bot.send_message(chat_id, text, **broadcast(bot))
    except (BadRequest, Forbidden) as error:
        log.info("job message not delivered: %s", type(error).__name__)


async def dead_job_notice(
    bots: ChatBots, services: Services, catalogs: Catalogs, job: Job
) -> None:
    """Tell the organization's owners and managers that a background task finally failed."""
    if job.organization_id is None:
        return
    for user in await services.team.leads(job.organization_id):
        t = catalogs.get(user.preferred_language(catalogs.default))
        what = t.raw(JOB_NAMES.get(job.kind, N_("a background task")))
        text = t(
            "⚠️ A background task failed after several attempts: {what}. Nothing was lost; "
            "it will not be retried automatically.",
            what=what,
        )
        try:
            await to_staff(bots, user.telegram_id, text_to(user.telegram_id, text))
        except (BadRequest, Forbidden) as error:
            log.info("dead-job notice not delivered: %s", type(error).__name__)
