"""Prometheus metrics of one process, served at the admin app's `/metrics`.

Each process has its own registry (no module-level state, so tests and several bots in one
process never collide). Counters are bumped where things happen: updates in the application,
Bot API calls in our bot class, job failures in the job runners; the job queue's depth is read
from the database when the endpoint is scraped.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST

__all__ = ["CONTENT_TYPE_LATEST", "Metrics"]

# Bot API methods that put or change something in a chat: what Telegram's flood limits count.
SENDING = frozenset(
    {
        "sendMessage",
        "sendPhoto",
        "sendDocument",
        "sendVoice",
        "sendAudio",
        "sendVideo",
        "sendMediaGroup",
        "sendLocation",
        "sendChatAction",
        "copyMessage",
        "forwardMessage",
        "editMessageText",
        "editMessageReplyMarkup",
        "editMessageCaption",
        "editMessageMedia",
        "deleteMessage",
        "answerCallbackQuery",
        "answerInlineQuery",
    }
)
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        r = self.registry
        self.updates = Counter(
            "astracrm_updates", "Telegram updates handled", ["kind"], registry=r
        )
        self.update_seconds = Histogram(
            "astracrm_update_seconds",
            "Time to handle one update",
            buckets=LATENCY_BUCKETS,
            registry=r,
        )
        self.sent = Counter(
            "astracrm_telegram_calls",
            "Bot API calls that send or change a message (each attempt)",
            ["method"],
            registry=r,
        )
        self.messages = Counter(
            "astracrm_messages_sent",
            "Messages sent into chats past the rate limiter, by lane (interactive, broadcast)",
            ["lane"],
            registry=r,
        )
        self.throttled = Counter(
            "astracrm_telegram_429", "Bot API answers 429 Too Many Requests", registry=r
        )
        self.job_failures = Counter(
            "astracrm_job_failures", "Failed job attempts", ["kind"], registry=r
        )
        self.intake = Counter(
            "astracrm_intake_requests",
            "Public intake requests by outcome (created, repeated, refused and why)",
            ["outcome"],
            registry=r,
        )
        self.webhook_deliveries = Counter(
            "astracrm_webhook_deliveries",
            "Webhook delivery tries by outcome (delivered, retrying, given_up, abandoned)",
            ["outcome"],
            registry=r,
        )
        self.webhook_attempts = Counter(
            "astracrm_webhook_attempts",
            "Webhook POSTs by the receiver's status class (2xx..5xx, none: no answer)",
            ["status"],
            registry=r,
        )
        self.webhook_seconds = Histogram(
            "astracrm_webhook_seconds",
            "Time of one webhook POST (resolving, connecting, the answer)",
            buckets=LATENCY_BUCKETS,
            registry=r,
        )
        self.webhook_disabled = Counter(
            "astracrm_webhook_subscriptions_disabled",
            "Webhook subscriptions switched off after repeated failures",
            registry=r,
        )
        self.admin_auth_failures = Counter(
            "astracrm_admin_auth_failures",
            "Refused web sign-ins by reason (link_unknown, link_expired, link_used, "
            "cookie_forged)",
            ["reason"],
            registry=r,
        )
        self.admin_auth_limited = Counter(
            "astracrm_admin_auth_limited",
            "Web sign-in attempts answered 429: the address was over its budget of refusals",
            registry=r,
        )
        self.queue_depth = Gauge(
            "astracrm_job_queue_depth", "Jobs waiting to run", ["kind"], registry=r
        )
        self.queue_reader: Callable[[], Awaitable[dict[str, int]]] | None = None
        # Labelled children looked up once each (`labels` validates and locks every time).
        self._kinds: dict[str, Counter] = {}
        self._methods: dict[str, Counter] = {}

    @contextmanager
    def update(self, kind: str) -> Iterator[None]:
        """Count an update of `kind` and time its handling."""
        started = time.perf_counter()
        try:
            yield
        finally:
            child = self._kinds.get(kind)
            if child is None:
                child = self._kinds[kind] = self.updates.labels(kind)
            child.inc()
            self.update_seconds.observe(time.perf_counter() - started)

    def called(self, method: str, status: int) -> None:
        if method in SENDING:
            child = self._methods.get(method)
            if child is None:
                child = self._methods[method] = self.sent.labels(method)
            child.inc()
        if status == 429:
            self.throttled.inc()

    def message_sent(self, lane: str) -> None:
        self.messages.labels(str(lane)).inc()

    def webhook_outcome(self, outcome: str) -> None:
        if outcome == "subscription_disabled":
            self.webhook_disabled.inc()
        else:
            self.webhook_deliveries.labels(outcome).inc()

    def webhook_attempt(self, status: int | None, seconds: float) -> None:
        self.webhook_attempts.labels("none" if status is None else f"{status // 100}xx").inc()
        self.webhook_seconds.observe(seconds)

    def job_failed(self, kind: str) -> None:
        self.job_failures.labels(kind).inc()

    async def render(self) -> bytes:
        """The text exposition format, with the job queue read now."""
        if self.queue_reader is not None:
            depth = await self.queue_reader()
            self.queue_depth.clear()
            for kind, count in depth.items():
                self.queue_depth.labels(kind).set(count)
        return generate_latest(self.registry)


def update_kind(update: object) -> str:
    """message, command, callback, inline, edited, other: a label with a handful of values."""
    for kind in ("callback_query", "inline_query", "edited_message", "message"):
        value = getattr(update, kind, None)
        if value is not None:
            if kind == "message" and (getattr(value, "text", None) or "").startswith("/"):
                return "command"
            return kind.removesuffix("_query")
    return "other"
