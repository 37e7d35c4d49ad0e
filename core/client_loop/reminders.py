"""Client reminders (issue 19, item 5): the day before at the organization's time (default
18:00) and, if the organization asks for it, two hours before, for every order not started
with a client who can hear it on some channel.

`tick(now)` runs with the scheduler's (bot/background.py): one read of the orders coming up
in the next two days, then for each reminder due and not yet in the sent ledger, one
transaction that claims its key in the ledger and queues the message, so two schedulers, a
restart or a catch-up never queue a reminder twice. The key names the order, the kind and
the order's time: a moved order is reminded again for its new time, a cancelled or started
one is not read at all.

- Telegram: the text is logged as queued and a `client_reminder` job sends it with the
  buttons Confirm / Reschedule / Cancel (handlers/client_loop/reminders.py); the job sends
  only a log entry still queued, for an order still at that time and not started.
- SMS and e-mail: the client page's short link (`{page_link}`, a new page token) goes in
  the text and the message is queued as the confirmations are (`client_sms` /
  `client_email` jobs, quiet hours, retries, fallback). An SMS that quiet hours would hold
  until less than `TOO_LATE_2H` before the visit goes by the next channel instead.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from core.channels.sms import next_allowed
from core.client_loop.confirm import ClientDraft, ClientOrderMessages
from core.client_loop.model import (
    Channel,
    ClientLoopSettings,
    DeliveryStatus,
    Direction,
    MessageKind,
    NewClientMessage,
)
from core.client_loop.outgoing import JOB_OF, enqueue, job_payload
from core.client_loop.page import NOT_STARTED
from core.client_loop.providers import CHANNEL_SECRETS
from core.client_loop.templates import render
from core.client_loop.tokens import hash_token, new_page_token, page_expiry
from core.domain import Order, Organization
from core.notifications.schedule import local_date, occurrence, parse_hhmm
from core.ports import Clock, UnitOfWork, UowFactory

log = logging.getLogger(__name__)

REMINDER_JOB = "client_reminder"  # a Telegram reminder with its buttons
LEDGER_KIND = "client_reminder"  # the sent ledger's kind
LOOK_AHEAD = timedelta(days=2)
CATCH_UP = timedelta(hours=12)  # a day-before reminder missed by downtime is still sent
TOO_LATE_DAY = timedelta(hours=3)  # ... but not this close to the visit
TWO_HOURS = timedelta(hours=2)
TOO_LATE_2H = timedelta(minutes=30)
KINDS = (MessageKind.REMINDER, MessageKind.REMINDER_2H)


def stamp(moment: datetime) -> str:
    return moment.strftime("%Y%m%dT%H%M")


def reminder_key(kind: MessageKind, order_id: int, scheduled_at: datetime) -> str:
    return f"creminder:{kind.value}:{order_id}:{stamp(scheduled_at)}"


def due_kinds(
    order: Order, settings: ClientLoopSettings, zone: str, now: datetime
) -> list[MessageKind]:
    """The reminders due for `order` at `now`: the day before from the organization's time
    for `CATCH_UP` (and no later than `TOO_LATE_DAY` before the visit); two hours before
    until `TOO_LATE_2H` before it. None for an order booked after the reminder's moment (its
    confirmation has just said it all)."""
    at = order.scheduled_at
    if at is None:
        return []
    found = []
    if settings.sends(MessageKind.REMINDER):
        day = local_date(at, zone) - timedelta(days=1)
        moment = occurrence(day, parse_hhmm(settings.reminder_at), zone)
        fresh = moment <= now < moment + CATCH_UP and now < at - TOO_LATE_DAY
        if fresh and order.created_at < moment:
            found.append(MessageKind.REMINDER)
    if settings.sends(MessageKind.REMINDER_2H):
        moment = at - TWO_HOURS
        if moment <= now < at - TOO_LATE_2H and order.created_at < moment:
            found.append(MessageKind.REMINDER_2H)
    return found


class ClientReminders:
    def __init__(
        self, uow: UowFactory, clock: Clock, messages: ClientOrderMessages, public_url: str,
        default_language: str = "ru",
    ) -> None:  # fmt: skip
        self._uow = uow
        self._clock = clock
        self._messages = messages
        self._pages = public_url.rstrip("/") + "/c/"
        self._default = default_language
        self._known: set[str] = set()  # keys seen in the ledger: a cache, the ledger decides

    def delivery(self) -> ReminderDelivery:
        return ReminderDelivery(self._uow, self._clock)

    async def tick(self, now: datetime | None = None) -> int:
        """Queue every reminder due at `now`; how many were queued. A failure on one order is
        logged and holds up no other.

        The statements do not grow with the due orders nobody can hear (no client linked in
        Telegram with consent, no SMS or SMTP in the organization): one read of the orders,
        the organization and its settings per organization, the sent ledger, the links and
        the channel secrets of all of them at once, then one transaction claiming all their
        keys in one INSERT. Only a reminder someone can hear gets its own transaction (its
        key, the log entry, the job)."""
        now = now or self._clock.now()
        due: dict[str, tuple[Order, MessageKind]] = {}
        async with self._uow() as uow:
            orders = await uow.client_loop.reminder_orders(now, now + LOOK_AHEAD)
            settings: dict[int, tuple[Organization | None, ClientLoopSettings]] = {}
            for order in orders:
                org_id = order.organization_id
                if org_id not in settings:
                    org = await uow.orgs.get(org_id)
                    settings[org_id] = (org, await uow.client_loop.settings(org_id))
                org, chosen = settings[org_id]
                if org is None or order.scheduled_at is None:
                    continue
                for kind in due_kinds(order, chosen, org.timezone, now):
                    due[reminder_key(kind, order.id, order.scheduled_at)] = (order, kind)
            candidates = [k for k in due if k not in self._known]
            sent = set(await uow.notifications.sent(candidates)) if candidates else set()
            fresh = sorted(set(candidates) - sent)
            silent = await _unheard(uow, [due[key][0] for key in fresh])
        self._known.update(sent)
        mute = [key for key in fresh if due[key][0].id in silent]
        if mute:
            await self._claim_all(mute, due, now)
        queued = 0
        for key in fresh:
            if key in self._known:
                continue
            order, kind = due[key]
            try:
                queued += await self._queue(key, order, kind, now)
            except Exception as error:  # noqa: BLE001 - one order must not stop the others
                log.error(
                    "client reminder for order %s failed: %s", order.id, type(error).__name__
                )
        return queued

    async def _claim_all(
        self, keys: list[str], due: dict[str, tuple[Order, MessageKind]], now: datetime
    ) -> None:
        """The keys of reminders nobody can hear, claimed at once: looked at once."""
        claims = [(key, due[key][0].organization_id) for key in keys]
        try:
            async with self._uow() as uow:
                await uow.client_loop.claim_keys(claims, LEDGER_KIND, now)
                await uow.commit()
        except Exception as error:  # noqa: BLE001 - the next look tries again
            log.error("client reminder keys not claimed: %s", type(error).__name__)
            return
        self._known.update(keys)

    async def _queue(self, key: str, order: Order, kind: MessageKind, now: datetime) -> int:
        draft = await self._messages.kind_message(order, kind, self._default)
        async with self._uow() as uow:
            if not await uow.client_loop.claim_key(key, order.organization_id, LEDGER_KIND, now):
                self._known.add(key)
                return 0
            queued = draft is not None and await self._write(uow, draft, key, order, now)
            await uow.commit()  # the key, even when nobody could hear it: looked at once
        self._known.add(key)
        return 1 if queued else 0

    async def _write(
        self, uow: UnitOfWork, draft: ClientDraft, key: str, order: Order, now: datetime
    ) -> bool:
        if draft.telegram:
            text = render(draft.kind, draft.template, {**draft.values, "page_link": None})
            new = NewClientMessage(
                client_id=draft.client_id, direction=Direction.OUT, kind=draft.kind,
                channel=Channel.TELEGRAM, body=text, order_id=draft.order_id,
            )  # fmt: skip
            logged = await uow.client_loop.add_message(draft.organization_id, new, now)
            payload = telegram_payload(draft, logged.id, text, order)
            await uow.jobs.enqueue(REMINDER_JOB, payload, now, draft.organization_id, key)
            return True
        org = await uow.orgs.get(draft.organization_id)
        settings = await uow.client_loop.settings(draft.organization_id)
        if org is None:
            return False
        token = new_page_token()
        expires = page_expiry(order, now)
        await uow.client_loop.add_page(
            draft.organization_id, draft.client_id, order.id, hash_token(token), expires, now
        )
        payload = job_payload(draft, None)
        payload["values"]["page_link"] = self._pages + token
        assert order.scheduled_at is not None
        for channel in draft.channels:
            if channel not in JOB_OF:
                continue
            if channel is Channel.SMS:
                run_at = next_allowed(now, org.timezone, settings.quiet_hours)
                if run_at >= order.scheduled_at - TOO_LATE_2H:
                    continue  # it would come too late: the next channel
            if await enqueue(
                uow, self._clock, payload, channel, org.timezone, settings.quiet_hours
            ):
                return True
        return False


async def _unheard(uow: UnitOfWork, orders: list[Order]) -> set[int]:
    """The orders whose client no channel reaches, as `kind_message` would find at its first
    step: not linked in Telegram with consent, and the organization has neither SMS nor
    SMTP. Two statements for all of them."""
    if not orders:
        return set()
    clients = {o.client_id for o in orders if o.client_id is not None}
    linked = await uow.client_loop.consented_links(clients)
    orgs = {o.organization_id for o in orders}
    reachable = await uow.client_loop.orgs_with_secrets(orgs, CHANNEL_SECRETS)
    return {
        o.id
        for o in orders
        if (o.organization_id, o.client_id) not in linked and o.organization_id not in reachable
    }


def telegram_payload(
    draft: ClientDraft, message_id: int, text: str, order: Order
) -> dict[str, Any]:
    assert order.scheduled_at is not None
    return {
        "org": draft.organization_id,
        "client": draft.client_id,
        "order": draft.order_id,
        "message": message_id,
        "chat": draft.chat_id,
        "language": draft.language,
        "kind": draft.kind.value,
        "text": text,
        "at": order.scheduled_at.isoformat(),
    }


class ReminderDelivery:
    """The Telegram reminder job's reads and writes (handlers/client_loop/reminders.py sends)."""

    def __init__(self, uow: UowFactory, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def still_due(self, payload: dict[str, Any]) -> bool:
        """The log entry is still queued (not a repeat after a lost lease) and the order is
        still at the reminder's time and not started; otherwise the entry is marked failed."""
        org_id, message_id = int(payload["org"]), int(payload["message"])
        async with self._uow() as uow:
            logged = await uow.client_loop.message(org_id, message_id)
            if logged is None or logged.status is not DeliveryStatus.QUEUED:
                return False
            order = await uow.orders.get(org_id, int(payload["order"]))
            at = order.scheduled_at if order is not None else None
            due = order is not None and order.status in NOT_STARTED
            if due and at is not None and at.isoformat() == payload["at"]:
                return True
            await uow.client_loop.set_status(
                org_id, message_id, DeliveryStatus.FAILED, None, self._clock.now()
            )
            await uow.commit()
        return False

    async def mark(self, payload: dict[str, Any], sent: str | None) -> None:
        """Sent (`sent`: the bot and Telegram's message id, core.ownbot.routing.message_ref),
        or failed (None: the client blocked the bot)."""
        status = DeliveryStatus.SENT if sent is not None else DeliveryStatus.FAILED
        provider = sent
        async with self._uow() as uow:
            await uow.client_loop.set_status(
                int(payload["org"]), int(payload["message"]), status, provider, self._clock.now()
            )
            await uow.commit()
