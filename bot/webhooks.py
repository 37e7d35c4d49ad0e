"""Outgoing webhooks wired to this deployment (docs/webhooks.md): the management service the
admin page and the REST API use, and the delivery job."""

from __future__ import annotations

import time

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import Bot

from bot.container import Container
from bot.metrics import Metrics
from bot.outbox import LEASE, OutboxSender
from core.runtime.jobs import JobHandler, default_worker_id
from core.webhooks.model import WEBHOOK_JOB, Response, WebhookTransport
from core.webhooks.sender import WebhookSender
from core.webhooks.service import WebhookService
from handlers.webhooks import disabled_notice
from integrations.webhook_http import HttpWebhookTransport
from storage.db import session_factory
from storage.webhooks.store import SqlWebhookStore


def webhook_service(container: Container, joined: AsyncSession | None = None) -> WebhookService:
    """`joined`: a request's session, whose transaction the changes become part of."""
    store = SqlWebhookStore(session_factory(container.engine), joined)
    allow = container.settings.webhooks_allow_private
    return WebhookService(store, container.adapters.secrets, container.services.clock, allow)


def webhook_jobs(container: Container, bot: Bot) -> dict[str, JobHandler]:
    """The delivery job; none without an encryption key (no subscription can exist then).
    The owner's message when a subscription is switched off goes through a sender of the
    job runner's, right after the switch-off commits (bot/invoice_tell.py does the same)."""
    box = container.adapters.secrets
    if box is None:
        return {}
    services, sessions = container.services, session_factory(container.engine)
    outbox = OutboxSender(
        bot, sessions, services.clock, services, container.catalogs, services.orders.map_of,
        f"{default_worker_id()}:webhook-outbox",
    )  # fmt: skip
    store = SqlWebhookStore(sessions, holder=outbox.owner, lease=LEASE)
    metrics = container.metrics
    transport = MeteredTransport(
        HttpWebhookTransport(container.settings.webhooks_allow_private), metrics
    )
    notice = disabled_notice(container.catalogs)
    sender = WebhookSender(
        store, transport, box, services.clock, notice, deliver=outbox.deliver,
        observe=metrics.webhook_outcome,
    )  # fmt: skip
    return {WEBHOOK_JOB: sender.job}


class MeteredTransport:
    """Times each POST and counts it by the receiver's status class (/metrics)."""

    def __init__(self, inner: WebhookTransport, metrics: Metrics) -> None:
        self._inner = inner
        self._metrics = metrics

    async def post(self, url: str, body: str, headers: dict[str, str]) -> Response:
        started = time.perf_counter()
        response = await self._inner.post(url, body, headers)
        self._metrics.webhook_attempt(response.status, time.perf_counter() - started)
        return response
