"""What the client and the staff hear about a done order and its payment (issue 19, item 7):
the done summary, the payment link and the receipt, each in the client's channel (Telegram
when linked with consent, else SMS, else e-mail, as `choose_channels` decides) and language,
from the organization's template; and who among the staff hears about an online payment
(the assignee and the active owners and managers).

Read by the jobs of `core.client_loop.pay_service` (`LINK_JOB`, `RECORDED_JOB`), outside the
change's transaction; the presentation writes the amounts and sends. A message for SMS or
e-mail is queued as the existing client delivery jobs (`core.client_loop.outgoing.enqueue`,
no calendar file, deduplicated per order, kind and order version).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from core.client_loop.channels import Reach, choose_channels
from core.client_loop.done_photos import PHOTOS_LINE, order_photos, page_photo_ids
from core.client_loop.model import (
    Channel,
    Direction,
    MessageKind,
    NewClientMessage,
    Purpose,
    consent_state,
)
from core.client_loop.outgoing import enqueue_first
from core.client_loop.page import page_access
from core.client_loop.payments import TERMINAL_SECRET, OrgTerminal, terminal_of
from core.client_loop.providers import CHANNEL_SECRETS, SMS_SECRET, SMTP_SECRET
from core.client_loop.templates import LANGUAGES, default
from core.client_loop.tokens import hash_token, new_page_token, page_expiry
from core.client_loop.views import client_first_name, client_order_view, view_values
from core.domain import Actor, Order, Organization, User
from core.errors import DomainError
from core.ownbot.routing import SHARED_BOT
from core.permissions import Action, allowed, require
from core.ports import Clock, UnitOfWork, UowFactory

BODY_MAX = 4096


@dataclass(frozen=True, slots=True)
class PayDraft:
    """One message about an order's payment to its client, not yet rendered: the presentation
    adds `amount` (and `pay_link`) to `values`."""

    organization_id: int
    client_id: int
    order_id: int
    number: int
    version: int
    kind: MessageKind
    chat_id: int  # the client's Telegram id (0: not in Telegram)
    language: str
    template: str
    values: dict[str, str | None]
    channels: tuple[Channel, ...]
    currency: str
    due_minor: int  # what is left to pay now
    show_prices: bool
    send_photos: bool

    @property
    def telegram(self) -> bool:
        return self.channels[0] is Channel.TELEGRAM


async def _reach(uow: UnitOfWork, org_id: int, client_id: int) -> tuple[Reach, int]:
    """How the client can be reached, and their Telegram user id (0: not linked)."""
    link = await uow.client_loop.link(org_id, client_id)
    linked = link is not None and link.transactional_at is not None
    configured = set(await uow.org_settings.secrets(org_id)) & set(CHANNEL_SECRETS)
    client = await uow.clients.get(org_id, client_id)
    email = None
    if SMTP_SECRET in configured:
        email = await uow.client_loop.client_email(org_id, client_id)
    reach = Reach(
        linked=linked, telegram_consent=linked,
        consents=consent_state(await uow.client_loop.consents(org_id, client_id)),
        phones=client.phones if client is not None else (), email=email,
        sms_configured=SMS_SECRET in configured, email_configured=bool(email),
        restricted=client is not None and client.restricted,
    )  # fmt: skip
    return reach, link.user_id if linked and link is not None else 0


class PayMessages:
    """The reads and writes of the payment messages (a base of `ClientPayments`)."""

    _uow: UowFactory
    _clock: Clock
    _credentials: Callable[[UnitOfWork, int, str], Any]
    _base: str  # the public address of the admin app (PayBank), "" without one

    async def terminal(self, actor: Actor) -> OrgTerminal | None:
        """The organization's own T-Bank terminal as stored (owners' settings page)."""
        require(actor, Action.ORG_SETTINGS)
        assert actor.organization is not None
        async with self._uow() as uow:
            stored = await self._credentials(uow, actor.organization.id, TERMINAL_SECRET)
        return terminal_of(stored)

    async def draft(
        self, org_id: int, order_id: int, kind: MessageKind, default_language: str
    ) -> PayDraft | None:
        """The client's message of `kind` about the order, or None: no client, the kind is
        off, or the client cannot be reached (not linked, no consent, opted out)."""
        async with self._uow() as uow:
            order = await uow.orders.get(org_id, order_id)
            org = await uow.orgs.get(org_id)
            if order is None or order.client_id is None or org is None:
                return None
            settings = await uow.client_loop.settings(org_id)
            if not settings.sends(kind):
                return None
            reach, user_id = await _reach(uow, org_id, order.client_id)
            channels = settings.route(kind, choose_channels(reach, Purpose.TRANSACTIONAL))
            person = await uow.users.get(user_id) if user_id else None
            client = await uow.clients.get(org_id, order.client_id)
            if not channels or client is None or (user_id and channels[0] is not Channel.TELEGRAM):
                return None
            language = (
                person.preferred_language(default_language) if person else org.language
            ) or default_language
            language = language if language in LANGUAGES else "en"
            own = [
                t.body
                for t in await uow.client_loop.templates(org_id)
                if t.kind is kind and t.language == language
            ]
            assignee = await uow.users.get(order.assignee_id) if order.assignee_id else None
            names = {c.id: c.name for c in await uow.categories.listing(org_id)}
        category = names.get(order.category_id) if order.category_id else None
        view = client_order_view(order, order.client_id, org, settings, assignee, category)
        return PayDraft(
            org_id, order.client_id, order.id, order.number, order.version, kind,
            person.telegram_id if person is not None else 0, language,
            own[0] if own else default(kind, language),
            view_values(view, client_first_name(client.name)), channels, org.currency,
            _due(order), settings.show_prices, settings.send_photos,
        )  # fmt: skip

    async def log_telegram(self, draft: PayDraft, text: str) -> int:
        """The Telegram message logged as queued (marked sent when Telegram answers)."""
        new = NewClientMessage(
            client_id=draft.client_id, direction=Direction.OUT, kind=draft.kind,
            channel=Channel.TELEGRAM, body=text[:BODY_MAX], order_id=draft.order_id,
        )  # fmt: skip
        async with self._uow() as uow:
            now = self._clock.now()
            logged = await uow.client_loop.add_message(draft.organization_id, new, now)
            await uow.commit()
        return logged.id

    async def queue_elsewhere(self, draft: PayDraft, values: dict[str, str | None]) -> bool:
        """Queue the message by SMS or e-mail (the first channel that takes it), logged as
        queued; False: none did, or this version was queued before."""
        payload: dict[str, Any] = {
            "org": draft.organization_id, "client": draft.client_id, "order": draft.order_id,
            "number": draft.number, "kind": draft.kind.value, "language": draft.language,
            "template": draft.template, "values": values, "invitation": None,
            "channels": [c.value for c in draft.channels],
            "dedup": f"{draft.order_id}:{draft.kind.value}:{draft.version}",
        }  # fmt: skip
        async with self._uow() as uow:
            org = await uow.orgs.get(draft.organization_id)
            settings = await uow.client_loop.settings(draft.organization_id)
            zone = org.timezone if org is not None else "UTC"
            if draft.kind is MessageKind.DONE and draft.send_photos:
                await self._with_photos(uow, draft, payload)
            taken = await enqueue_first(
                uow, self._clock, payload, draft.channels, zone, settings.quiet_hours
            )
            if taken is not None:
                await uow.commit()
        return taken is not None

    async def _with_photos(
        self, uow: UnitOfWork, draft: PayDraft, payload: dict[str, Any]
    ) -> None:
        """A done summary by SMS or e-mail with the work's photos (`core.client_loop.
        done_photos`): their ids for the e-mail's attachments and a line with a link to the
        client page that shows them (a page token of its own)."""
        photos = await order_photos(uow, draft.organization_id, draft.order_id)
        base = self._base
        if not photos or not base.startswith("http"):
            return
        order = await uow.orders.get(draft.organization_id, draft.order_id)
        if order is None:
            return
        token, now = new_page_token(), self._clock.now()
        await uow.client_loop.add_page(
            draft.organization_id, draft.client_id, order.id, hash_token(token),
            page_expiry(order, now), now,
        )  # fmt: skip
        payload["photos"] = [p.id for p in photos]
        payload["values"] = {**payload["values"], "page_link": f"{base}/c/{token}"}
        payload["template"] = payload["template"] + "\n" + PHOTOS_LINE[draft.language]

    async def page_photos(self, token: str) -> list[int]:
        """The photos of the work a client page shows (ids; none unless done and the
        organization sends photos, or for a token the page refuses)."""
        async with self._uow() as uow:
            try:
                access = await page_access(uow, token, self._clock.now())
            except DomainError:
                return []
            return await page_photo_ids(uow, access)

    async def done_photos(self, org_id: int, order_id: int, limit: int = 10) -> list[str]:
        """The Telegram file ids of the order's photos (at most `limit`, a media group's), for
        a done summary when the organization sends photos."""
        async with self._uow() as uow:
            files = await uow.attachments.for_order(org_id, order_id)
        photos = [  # sent through the shared bot: only its own file ids (docs/own-bot.md)
            f.telegram_file_id
            for f in files
            if f.kind == "photo" and f.telegram_file_id and f.telegram_file_bot == SHARED_BOT
        ]
        return photos[:limit]

    async def org_of(self, org_id: int) -> Organization | None:
        async with self._uow() as uow:
            return await uow.orgs.get(org_id)

    async def staff_to_tell(self, org_id: int, order_id: int) -> tuple[Order | None, list[User]]:
        """The order and whom an online payment is told: its assignee and the active owners
        and managers, each once."""
        async with self._uow() as uow:
            order = await uow.orders.get(org_id, order_id)
            team = await uow.members.team(org_id)
        if order is None:
            return None, []
        chosen: dict[int, User] = {}
        for member in team:
            lead = allowed(member.membership.role, Action.ORDER_ASSIGN)
            if member.user.restricted:  # restricted their own processing: not told
                continue
            if member.membership.active and (lead or member.user.id == order.assignee_id):
                chosen.setdefault(member.user.id, member.user)
        return order, list(chosen.values())


def _due(order: Order) -> int:
    return max((order.price_minor or 0) - order.paid_minor, 0)
