"""Client messages for SMS and e-mail, before they go: the text per channel (an SMS within two
segments), the job's payload and deduplication key, and the queueing of a message (the log
entry and its job) on a channel or on the next one of the choice (core/client_loop/delivery.py
sends them)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from core.channels.sms import fits, next_allowed
from core.client_loop.confirm import ClientDraft, invitation_json
from core.client_loop.model import (
    Channel,
    DeliveryStatus,
    Direction,
    MessageKind,
    NewClientMessage,
)
from core.client_loop.templates import render
from core.domain import Order
from core.ports import Clock, UnitOfWork

SMS_JOB = "client_sms"
EMAIL_JOB = "client_email"
JOB_OF = {Channel.SMS: SMS_JOB, Channel.EMAIL: EMAIL_JOB}
ELLIPSIS = "…"
# What may be shortened to make an SMS fit, in this order; the date and time never are.
SHORTENED = ("work", "address")
DROPPED = ("worker_first_name", "amount", "client_first_name")
SUBJECT_MAX = 150


class NoRoute(Exception):
    """The channel cannot take this message (no number, address or settings any more, a text
    that does not fit): permanent, the next channel is tried."""


def sms_text(kind: MessageKind, template: str, values: Mapping[str, str | None]) -> str:
    """The message as plain text within two SMS segments: the work, then the address are
    shortened with an ellipsis, then the assignee's and client's names and the amount are
    left out; the date and time are never cut. NoRoute when even that does not fit."""
    current = dict(values)
    text = render(kind, template, current)
    if fits(text):
        return text
    for name in SHORTENED:
        value = current.get(name) or ""
        low, high = 0, len(value)  # the longest prefix that fits, by bisection
        while low < high:
            middle = (low + high + 1) // 2
            trial = {**current, name: value[:middle].rstrip() + ELLIPSIS}
            if fits(render(kind, template, trial)):
                low = middle
            else:
                high = middle - 1
        current[name] = value[:low].rstrip() + ELLIPSIS if low else None
        text = render(kind, template, current)
        if fits(text) and low:
            return text
    for name in DROPPED:
        current[name] = None
        text = render(kind, template, current)
        if fits(text):
            return text
    raise NoRoute("the message does not fit two SMS segments")


def email_parts(
    kind: MessageKind, template: str, values: Mapping[str, str | None]
) -> tuple[str, str]:
    """(subject, text): the subject is the message's first line, the text all of it."""
    text = render(kind, template, values)
    first = " ".join(text.split("\n", 1)[0].split())
    subject = first if len(first) <= SUBJECT_MAX else first[: SUBJECT_MAX - 1].rstrip() + ELLIPSIS
    return subject or str(values.get("org_name") or "-"), text


def rendered(channel: Channel, payload: Mapping[str, Any]) -> str:
    kind, template, values = MessageKind(payload["kind"]), payload["template"], payload["values"]
    if channel is Channel.SMS:
        return sms_text(kind, template, values)
    subject, text = email_parts(kind, template, values)
    return f"{subject}\n\n{text}" if subject != text.split("\n", 1)[0] else text


def dedup_key(payload: Mapping[str, Any], channel: Channel) -> str:
    if payload.get("dedup"):  # a message without a calendar version (a rating question)
        return f"client:{payload['dedup']}:{channel.value}"
    sequence = payload["invitation"]["sequence"]
    return f"client:{payload['order']}:{payload['kind']}:{sequence}:{channel.value}"


def job_payload(draft: ClientDraft, amount: str | None) -> dict[str, Any]:
    values = dict(draft.values)
    values["amount"] = amount if draft.view.price_minor is not None else None
    return {
        "org": draft.organization_id,
        "client": draft.client_id,
        "order": draft.order_id,
        "number": draft.view.number,
        "kind": draft.kind.value,
        "language": draft.language,
        "template": draft.template,
        "values": values,
        "invitation": invitation_json(draft.invitation),
        "channels": [c.value for c in draft.channels],
        "at": draft.view.starts_at.isoformat() if draft.view.starts_at else None,
    }


# Messages about a visit at a time: out of date once the order moved or closed (an SMS held
# by quiet hours overnight must not announce a time the order no longer has).
TIMED = frozenset(
    {MessageKind.CONFIRMATION, MessageKind.RESCHEDULED, MessageKind.REMINDER,
     MessageKind.REMINDER_2H}
)  # fmt: skip


def outdated(payload: Mapping[str, Any], order: Order | None) -> bool:
    """Whether a queued message about a visit no longer says what the order is: the order
    is gone, closed, or at another time than the one the message was written for."""
    at = payload.get("at")
    if MessageKind(payload["kind"]) not in TIMED or at is None:
        return False
    if order is None or not order.open or order.scheduled_at is None:
        return True
    return order.scheduled_at != datetime.fromisoformat(str(at))


async def enqueue(
    uow: UnitOfWork, clock: Clock, payload: dict[str, Any], channel: Channel, zone: str,
    quiet_hours: bool,
) -> bool:  # fmt: skip
    """Log the message as queued on `channel` and enqueue its job, in the caller's
    transaction; False when that channel's job for this version already exists, or the text
    cannot go on it."""
    try:
        body = rendered(channel, payload)
    except NoRoute:
        return False
    now = clock.now()
    run_at = next_allowed(now, zone, quiet_hours) if channel is Channel.SMS else now
    new = NewClientMessage(
        client_id=payload["client"], direction=Direction.OUT, kind=MessageKind(payload["kind"]),
        channel=channel, body=body, order_id=payload["order"],
    )  # fmt: skip
    logged = await uow.client_loop.add_message(payload["org"], new, now)
    job = {**payload, "channel": channel.value, "message": logged.id}
    key = dedup_key(payload, channel)
    added = await uow.jobs.enqueue(JOB_OF[channel], job, run_at, payload["org"], key)
    if added is None:  # already queued once: this log entry is not a message of its own
        await uow.client_loop.set_status(
            payload["org"], logged.id, DeliveryStatus.FAILED, None, now
        )
        return False
    return True


async def enqueue_next(
    uow: UnitOfWork, clock: Clock, payload: dict[str, Any], after: Channel, zone: str,
    quiet_hours: bool,
) -> Channel | None:  # fmt: skip
    """The channels after `after` in the choice, the first that takes the message."""
    channels = [Channel(c) for c in payload["channels"]]
    rest = channels[channels.index(after) + 1 :] if after in channels else []
    return await enqueue_first(uow, clock, payload, rest, zone, quiet_hours)


async def enqueue_first(
    uow: UnitOfWork, clock: Clock, payload: dict[str, Any], channels: Iterable[Channel],
    zone: str, quiet_hours: bool,
) -> Channel | None:  # fmt: skip
    """The first of `channels` (SMS, e-mail) that takes the message, its job queued in the
    caller's transaction; None: none did (no route, or this version was queued before)."""
    for channel in channels:
        if channel in JOB_OF and await enqueue(uow, clock, payload, channel, zone, quiet_hours):
            return channel
    return None
