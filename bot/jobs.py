"""The job registry: every kind of durable job, what runs it and what happens when it gives up,
in one place for every process that runs jobs (the bot's own runners and `astracrm worker`).

Some kinds are the services' own work (uploads, transcription, purges, billing ticks, call
recordings); the others end in a message, rendered by the presentation layer. Scheduled
messages (digests, plans, reminders, alerts) are their own lane: bot/background.py gives them
a runner with several in flight, so a burst of thousands never holds up the other kinds.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Mapping
from dataclasses import dataclass

from bot.admin.wiring import public_url
from bot.backups import backup_jobs
from bot.container import Container
from bot.fleet import Fleet
from bot.invoice_tell import invoice_teller
from bot.ownbot import own_file_fetcher, ownbot_jobs
from bot.quote_jobs import quote_jobs
from bot.routes import ClientRoutes
from bot.settings import Settings
from bot.telegram_bot import TolerantBot
from bot.telephony import telephony_jobs
from bot.webhooks import webhook_jobs
from core.billing.service import TICK_JOB
from core.channels.sms import SmsGateway
from core.client_loop.providers import SmsProvider, SmsSettings
from core.domain import Job
from core.files.service import UPLOAD_JOB
from core.privacy.erasure import ERASE_OBJECTS_JOB, ORG_PURGE_JOB, RETENTION_JOB
from core.privacy.policy_service import ANNOUNCE_JOB
from core.recurring.service import FILL_JOB
from core.runtime.jobs import DeadLetterHook, JobHandler
from core.services import Services
from core.telephony.call_log import RECORDING_JOBS
from core.voice.service import SUMMARIZE_JOB, TRANSCRIBE_JOB
from handlers.client_loop.client_bot import ChatBots
from handlers.client_loop.payments import payment_jobs
from handlers.client_loop.ratings import rating_jobs
from handlers.client_loop.relay import relay_jobs
from handlers.client_loop.reminders import reminder_jobs
from handlers.i18n import Catalogs
from handlers.jobs import dead_job_notice, presenter_jobs
from handlers.notifications.digests import notification_jobs
from handlers.paperwork_jobs import invoice_jobs
from handlers.privacy.policy import policy_jobs
from handlers.voice import progress_presenter
from integrations.ical import invitation_ics
from integrations.pdf import FpdfRenderer
from integrations.sms_ru import HttpSmsRu
from integrations.smsc import HttpSmsc
from integrations.smtp import SmtpMailSender

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class JobRegistry:
    """Job kind -> handler for every kind; which of them are scheduled messages; what to do
    when a job finally failed."""

    handlers: Mapping[str, JobHandler]
    deliveries: frozenset[str]
    on_dead: DeadLetterHook

    def lane(self, deliveries: bool) -> dict[str, JobHandler]:
        """The handlers of the scheduled messages, or of every other kind."""
        return {k: h for k, h in self.handlers.items() if (k in self.deliveries) is deliveries}


def service_jobs(services: Services) -> dict[str, JobHandler]:
    """Job kinds whose work the core services do (no message to render)."""
    return {
        UPLOAD_JOB: services.files.upload,
        TRANSCRIBE_JOB: services.voice.transcribe,
        SUMMARIZE_JOB: services.voice.summarize,
        ERASE_OBJECTS_JOB: services.erasure.erase_objects,
        ORG_PURGE_JOB: services.erasure.purge_job,
        ANNOUNCE_JOB: services.policy.announce,
        RETENTION_JOB: services.erasure.retention_job,
        TICK_JOB: services.billing.tick,
        FILL_JOB: services.series.fill_job,
        **telephony_jobs(services.recordings),
    }


def dead_letter(bots: ChatBots, services: Services, catalogs: Catalogs) -> DeadLetterHook:
    """The job's own record says it failed, and its organization's leads are told."""

    async def gave_up(job: Job, error: str) -> None:
        log.error("job %s (%s) gave up: %s", job.id, job.kind, error)
        if job.kind in (TRANSCRIBE_JOB, SUMMARIZE_JOB):
            await services.voice.failed(job)
        if job.kind in RECORDING_JOBS:
            await services.recordings.failed(job)
        await dead_job_notice(bots, services, catalogs, job)

    return gave_up


def client_delivery(container: Container) -> dict[str, JobHandler]:
    """Client messages by SMS (SMS.ru or SMSC.ru) and e-mail (the organization's SMTP server)
    through the organization's own stored settings (issue 19)."""
    http, services = container.http, container.services
    urls = container.settings  # the providers' addresses (a local peer in tests, the sandbox)

    def gateway(settings: SmsSettings) -> SmsGateway:
        if settings.provider is SmsProvider.SMSC:
            return HttpSmsc(http, settings.key, settings.password, base_url=urls.smsc_base_url)
        return HttpSmsRu(http, settings.key, base_url=urls.sms_ru_base_url)

    delivery = services.client_loop.delivery(
        services.org_settings.credential_in,
        gateway,
        SmtpMailSender,
        invitation_ics,
        public_url=public_url(container.settings),
        reply_domain=container.settings.inbound_mail_domain,
        reply_key=reply_key(container.settings),
        files=services.files.content,
        objects=services.invoices.stored,
    )
    return delivery.handlers()


def reply_key(settings: Settings) -> bytes | None:
    """The key Reply-To tokens of client e-mails are derived from (docs/email.md): from
    SECRET_KEY, for its own purpose; None without one (a new random token per attempt)."""
    if settings.secret_key is None:
        return None
    secret = settings.secret_key.get_secret_value().encode()
    return hashlib.sha256(b"astracrm reply-to tokens\0" + secret).digest()


def job_registry(
    container: Container, bot: TolerantBot, fleet: Fleet | None = None
) -> JobRegistry:
    """Every job kind and its handler; voice notes report their progress through `bot`.
    `fleet`: the organizations' own bots, which clients who have a chat with theirs are
    written to through (bot/routes.py; without it, everyone through `bot`)."""
    services, catalogs = container.services, container.catalogs
    fleet = fleet if fleet is not None else Fleet(container, bot)
    clients = ClientRoutes(fleet, services)
    services.voice.progress = progress_presenter(bot, services, catalogs, fleet.bot)
    url = container.settings.privacy_policy_url
    messages = {
        **notification_jobs(clients, services, catalogs),
        **policy_jobs(clients, services, catalogs, url),
    }
    handlers = {
        **service_jobs(services), **presenter_jobs(bot, services, catalogs, fleet.bot), **messages,
        **client_delivery(container),
        **payment_jobs(clients, services, catalogs),
        **reminder_jobs(clients, services, catalogs),
        **rating_jobs(clients, services, catalogs, public_url(container.settings)),
        **relay_jobs(clients, services, catalogs, own_file_fetcher(fleet)),
        **webhook_jobs(container, bot),
        **backup_jobs(container),
        **quote_jobs(container, fleet),
        **ownbot_jobs(container, bot),
        **invoice_jobs(
            services.invoices, catalogs, FpdfRenderer(), invoice_teller(container, fleet)
        ),
    }  # fmt: skip
    return JobRegistry(handlers, frozenset(messages), dead_letter(clients, services, catalogs))
