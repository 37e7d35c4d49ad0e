"""The client's message about their order being booked, moved or cancelled (issue 19, item 4):
whether it goes, to which chat, in which language, from which template, with the calendar
invitation that goes with it.

Read in the unit of work of the change itself (the update's), so the message is written to the
outbox with the change and a rolled-back change sends nothing. A client who is not linked costs
two statements (the link, the names of the organization's secrets) when the organization has
no SMS provider and no SMTP server; otherwise the channel comes from `choose_channels` and an
SMS or e-mail draft is queued as a job (core/client_loop/delivery.py).

The invitation's SEQUENCE is not stored: it is derived from the order's history, the number
of reschedule events so far (0 when booked), plus one for the cancellation, so every version
sent is one higher than the one before and a repeat of the same version gives the same file.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from core.channels.calendar import (
    MAX_SUMMARY,
    MAX_TEXT,
    Method,
    Person,
    VisitInvitation,
    VisitStatus,
    visit_uid,
)
from core.client_loop.channels import Reach, choose_channels
from core.client_loop.model import (
    Channel,
    ClientMessage,
    Direction,
    MessageKind,
    NewClientMessage,
    Purpose,
    consent_state,
)
from core.client_loop.providers import CHANNEL_SECRETS, SMS_SECRET, SMTP_SECRET
from core.client_loop.setup import ClientLoopSetup
from core.client_loop.templates import LANGUAGES, default
from core.client_loop.views import (
    ClientOrderView,
    client_first_name,
    client_order_view,
    view_values,
)
from core.domain import Order, OrderEvent, OrderStatus

# What the client hears about, by the order event (`core.orders.audiences.CLIENT_EVENTS`).
KINDS: dict[str, MessageKind] = {
    "created": MessageKind.CONFIRMATION,
    "reschedule": MessageKind.RESCHEDULED,
    "cancel": MessageKind.CANCELLED,
}
# The calendar's host for a Telegram invitation: UIDs are order-<id>@o<org id>.<host>, the
# same for the order whatever is sent later (order ids are unique across organizations).
CALENDAR_HOST = "calendar.astracrm.app"
BODY_MAX = 4096  # as the message log takes it
VISIT = timedelta(hours=1)  # an order has no duration yet: the calendar entry is an hour


@dataclass(frozen=True, slots=True)
class ClientDraft:
    """One message for one client about one order, not yet rendered (the presentation fills
    in the amount and escapes)."""

    organization_id: int
    client_id: int
    order_id: int
    kind: MessageKind
    chat_id: int  # the client's Telegram id (0: not in Telegram)
    language: str
    template: str
    values: dict[str, str | None]
    view: ClientOrderView
    invitation: VisitInvitation
    channels: tuple[Channel, ...] = (Channel.TELEGRAM,)  # the ones to try, best first

    @property
    def telegram(self) -> bool:
        return self.channels[0] is Channel.TELEGRAM


def calendar_host(org_id: int) -> str:
    return f"o{org_id}.{CALENDAR_HOST}"


def invitation_for(
    order: Order, view: ClientOrderView, zone: str, sequence: int, stamp: datetime
) -> VisitInvitation:
    """The calendar entry as the client sees the order (no staff-only field in it)."""
    assert order.scheduled_at is not None
    host = calendar_host(order.organization_id)
    cancelled = order.status is OrderStatus.CANCELLED
    utc = order.scheduled_at.astimezone(UTC)
    summary = f"{view.org_name}: {view.work}" if view.work else view.org_name
    return VisitInvitation(
        uid=visit_uid(order.id, host),
        sequence=sequence,
        method=Method.CANCEL if cancelled else Method.REQUEST,
        status=VisitStatus.CANCELLED if cancelled else VisitStatus.CONFIRMED,
        start=utc,
        end=utc + VISIT,
        zone=zone,
        summary=_plain(summary, MAX_SUMMARY) or "-",
        location=_plain(view.address or "", MAX_TEXT, lines=True),
        description="",
        organizer=Person(_plain(view.org_name, MAX_SUMMARY), f"calendar@{host}"),
        stamp=stamp.astimezone(UTC),
    )


def _plain(text: str, limit: int, lines: bool = False) -> str:
    """Free text as a calendar field takes it: no control characters (a summary on one line),
    at most `limit` characters; a card's description or address may hold anything."""
    keep = "\n" if lines else ""
    cleaned = "".join(" " if (ord(c) < 32 and c not in keep) or ord(c) == 127 else c for c in text)
    if not lines:
        cleaned = " ".join(cleaned.split())
    return cleaned[:limit].strip()


def invitation_json(invitation: VisitInvitation) -> dict[str, object]:
    """The invitation as JSON values for an outbox row (the file is written when sent)."""
    return {
        "uid": invitation.uid,
        "sequence": invitation.sequence,
        "method": invitation.method.value,
        "status": invitation.status.value,
        "start": invitation.start.isoformat(),
        "end": invitation.end.isoformat(),
        "zone": invitation.zone,
        "summary": invitation.summary,
        "location": invitation.location,
        "description": invitation.description,
        "organizer": [invitation.organizer.name, invitation.organizer.email],
        "stamp": invitation.stamp.isoformat(),
    }


def invitation_of(data: dict[str, object]) -> VisitInvitation:
    organizer = data["organizer"]
    assert isinstance(organizer, list)
    name, email = organizer
    return VisitInvitation(
        uid=str(data["uid"]),
        sequence=int(str(data["sequence"])),
        method=Method(str(data["method"])),
        status=VisitStatus(str(data["status"])),
        start=datetime.fromisoformat(str(data["start"])),
        end=datetime.fromisoformat(str(data["end"])),
        zone=str(data["zone"]),
        summary=str(data["summary"]),
        location=str(data["location"]),
        description=str(data["description"]),
        organizer=Person(str(name), str(email)),
        stamp=datetime.fromisoformat(str(data["stamp"])),
    )


def sequence_of(event_kinds: list[str], cancelled: bool) -> int:
    """SEQUENCE from the order's history: one per reschedule, one more for the cancellation."""
    return sum(1 for k in event_kinds if k == "reschedule") + (1 if cancelled else 0)


class ClientOrderMessages(ClientLoopSetup):
    async def order_message(
        self, order: Order, event: str, default_language: str, was: datetime | None = None
    ) -> ClientDraft | None:
        """The client's message about `event` on `order` (as changed), or None: not an event
        the client hears about, the order has no time, or the client cannot hear it now (not
        linked, no consent in the chat, /stop, the organization turned the kind off)."""
        kind = KINDS.get(event)
        if kind is None:
            return None
        return await self.kind_message(order, kind, default_language, was)

    async def kind_message(
        self, order: Order, kind: MessageKind, default_language: str, was: datetime | None = None
    ) -> ClientDraft | None:
        """The client's message of `kind` about `order` (a reminder, ...), as `order_message`
        decides it."""
        if order.client_id is None or order.scheduled_at is None:
            return None
        org_id, client_id = order.organization_id, order.client_id
        async with self._uow() as uow:
            link = await uow.client_loop.link(org_id, client_id)
            linked = link is not None and link.transactional_at is not None
            configured: set[str] = set()
            if not linked:  # SMS or e-mail, when the organization has either
                configured = set(await uow.org_settings.secrets(org_id)) & set(CHANNEL_SECRETS)
                if not configured:
                    return None
            events = await uow.client_loop.consents(org_id, client_id)
            client = await uow.clients.get(org_id, client_id)
            email = None
            if SMTP_SECRET in configured and client is not None:
                email = await uow.client_loop.client_email(org_id, client_id)
            reach = Reach(
                linked=linked, telegram_consent=linked, consents=consent_state(events),
                phones=client.phones if client is not None else (), email=email,
                sms_configured=SMS_SECRET in configured, email_configured=bool(email),
                restricted=client is not None and client.restricted,
            )  # fmt: skip
            channels = choose_channels(reach, Purpose.TRANSACTIONAL)
            if not channels or (linked and channels[0] is not Channel.TELEGRAM):
                return None
            settings = await uow.client_loop.settings(org_id)
            org = await uow.orgs.get(org_id)
            person = await uow.users.get(link.user_id) if linked and link else None
            channels = settings.route(kind, channels)  # SMS or e-mail may be off for the kind
            if not settings.sends(kind) or org is None or client is None or not channels:
                return None
            if linked and person is None:
                return None
            if person is not None:
                language = person.preferred_language(default_language)
            else:  # not in Telegram: the organization's language
                language = org.language or default_language
            language = language if language in LANGUAGES else "en"
            own = [
                t.body
                for t in await uow.client_loop.templates(org_id)
                if t.kind is kind and t.language == language
            ]
            assignee = await uow.users.get(order.assignee_id) if order.assignee_id else None
            names = {c.id: c.name for c in await uow.categories.listing(org_id)}
            history = await uow.orders.events(org_id, order.id)
        category = names.get(order.category_id) if order.category_id else None
        view = client_order_view(order, client_id, org, settings, assignee, category)
        kinds = [e.kind for e in history]
        if was is None and kind is MessageKind.RESCHEDULED:
            was = moved_from(history)
        values = view_values_for(view, client.name, org.timezone, was)
        sequence = sequence_of(kinds, order.status is OrderStatus.CANCELLED)
        invitation = invitation_for(order, view, org.timezone, sequence, self._clock.now())
        return ClientDraft(
            org_id, client_id, order.id, kind, person.telegram_id if person else 0, language,
            own[0] if own else default(kind, language), values, view, invitation, channels,
        )  # fmt: skip

    async def queue(self, draft: ClientDraft, text: str) -> ClientMessage:
        """Log the rendered message as queued (the draft was read for this client and order
        in this unit of work: no second check), one INSERT."""
        new = NewClientMessage(
            client_id=draft.client_id,
            direction=Direction.OUT,
            kind=draft.kind,
            channel=Channel.TELEGRAM,
            body=text[:BODY_MAX],
            order_id=draft.order_id,
        )
        async with self._uow() as uow:
            now = self._clock.now()
            logged = await uow.client_loop.add_message(draft.organization_id, new, now)
            await uow.commit()
        return logged


def moved_from(history: list[OrderEvent]) -> datetime | None:
    """The time the order had before its latest reschedule (None: it had none)."""
    moves = [e for e in history if e.kind == "reschedule"]
    last = max(moves, key=lambda e: (e.created_at, e.id)) if moves else None
    before = last.data.get("from") if last is not None else None
    return datetime.fromisoformat(before) if isinstance(before, str) else None


def view_values_for(
    view: ClientOrderView, client_name: str, zone: str, was: datetime | None
) -> dict[str, str | None]:
    values = view_values(view, client_first_name(client_name))
    if was is not None:
        local = was.astimezone(ZoneInfo(zone))
        values.update(old_date=local.strftime("%d.%m.%Y"), old_time=local.strftime("%H:%M"))
    return values
