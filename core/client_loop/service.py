"""Client-loop use cases: invitations and links, consents and opt-outs, the message log,
client page tokens and what a client sees of an order (`core.client_loop.page_access`). One
unit of work each.

Settings and templates live in the base class (`core.client_loop.setup`). Calls without an
actor come from the client's side (a Telegram user, a page, a provider's callback) or from
jobs: they name the organization and are checked against it.
"""

from __future__ import annotations

from datetime import timedelta

from core.client_loop.channels import Reach, choose_channels
from core.client_loop.invoice_news import ClientInvoices
from core.client_loop.model import (
    Channel,
    ClientLink,
    ClientMessage,
    ConsentAction,
    ConsentEvent,
    DeliveryStatus,
    IssuedToken,
    NewClientMessage,
    Purpose,
    Redeemed,
    consent_state,
)
from core.client_loop.page_access import ClientPages, client_order
from core.client_loop.queueing import ClientChannels
from core.client_loop.rating_service import ClientRatings
from core.client_loop.relay import ClientRelay
from core.client_loop.tokens import (
    MAX_INVITE_DAYS,
    hash_token,
    looks_like_invite,
    new_invite_token,
)
from core.domain import Actor, OrgStatus, User
from core.errors import DomainError
from core.permissions import Action, allowed, require, require_writable
from core.privacy.audit import record
from core.privacy.model import AuditAction
from core.text import clean_line

BODY_MAX = 4096
NAME_MAX = 200  # a client's name, as /newclient keeps it
WALK_IN = "telegram bot"  # the "created" event's `via` of a client who wrote to the own bot


class ClientLoopService(ClientPages, ClientInvoices, ClientChannels, ClientRatings, ClientRelay):
    async def invite(
        self, actor: Actor, client_id: int, order_id: int | None = None, days: int | None = None
    ) -> IssuedToken:
        """A one-use link for the client to open the business's chat (owners and managers)."""
        require(actor, Action.CLIENT_EDIT)
        require_writable(actor)
        days = self._invite_days if days is None else days
        if not 1 <= days <= MAX_INVITE_DAYS:
            raise DomainError("invite_days_range", limit=MAX_INVITE_DAYS)
        assert actor.organization is not None
        org_id = actor.organization.id
        token = new_invite_token()
        async with self._uow() as uow:
            await client_order(uow, org_id, client_id, order_id)
            now = self._clock.now()
            expires = now + timedelta(days=days)
            added = await uow.client_loop.add_invite(
                org_id, client_id, order_id, hash_token(token), actor.user.id, expires, now
            )
            await record(
                uow, actor, AuditAction.CLIENT_INVITED, now, ("client", client_id),
                order_id=order_id, invite_id=added.id,
            )  # fmt: skip
            await uow.commit()
        return IssuedToken(added.id, token, expires)

    async def redeem(self, user: User, payload: str) -> Redeemed:
        """The client tapped the link: link their Telegram to the client card. Tapping one's
        own used link again answers as the first time did."""
        if not looks_like_invite(payload):
            raise DomainError("client_invite_unknown")
        async with self._uow() as uow:
            invite = await uow.client_loop.invite_by_hash(hash_token(payload))
            org = await uow.orgs.get(invite.organization_id) if invite else None
            if invite is None or org is None or org.status is not OrgStatus.ACTIVE:
                raise DomainError("client_invite_unknown")
            now = self._clock.now()
            current = await uow.client_loop.link_of_user(org.id, user.id)
            if invite.used_at is not None:
                if current is not None and current.client_id == invite.client_id:
                    return Redeemed(current, org.id, invite.order_id)
                raise DomainError("client_invite_used")
            if invite.expires_at <= now:
                raise DomainError("client_invite_expired")
            if current is not None and current.client_id != invite.client_id:
                raise DomainError("client_linked_elsewhere")
            if not await uow.client_loop.use_invite(org.id, invite.id, user.id, now):
                raise DomainError("client_invite_used")
            before = await uow.client_loop.link(org.id, invite.client_id)
            link = await uow.client_loop.save_link(org.id, invite.client_id, user.id, now)
            await uow.commit()
        relinked = before is not None and before.user_id != user.id
        return Redeemed(link, org.id, invite.order_id, relinked)

    async def walk_in(self, user: User, org_id: int, name: str) -> ClientLink:
        """A person who wrote to the organization's own bot without a link (they found the
        bot, nobody invited them): a client card of their Telegram name, linked to their
        account, so what they write reaches the staff like any client's and the staff answer
        them there. Someone already linked keeps their card."""
        async with self._uow() as uow:
            org = await uow.orgs.get(org_id)
            if org is None or org.status is not OrgStatus.ACTIVE:
                raise DomainError("client_invite_unknown")
            current = await uow.client_loop.link_of_user(org_id, user.id)
            if current is not None:
                return current
            now = self._clock.now()
            named = clean_line(name)[:NAME_MAX] or f"Telegram {user.telegram_id}"
            client = await uow.clients.add(org_id, named, [], None, None, now)
            made = {"via": WALK_IN}
            await uow.clients.add_event(org_id, client.id, None, "created", made, now)
            link = await uow.client_loop.save_link(org_id, client.id, user.id, now)
            await uow.commit()
        return link

    async def answer_consent(
        self, user: User, org_id: int, purpose: Purpose, granted: bool
    ) -> ClientLink:
        """The linked client's yes or no in the chat, for order messages or for news."""
        async with self._uow() as uow:
            link = await uow.client_loop.link_of_user(org_id, user.id)
            if link is None:
                raise DomainError("not_found")
            now = self._clock.now()
            action = ConsentAction.GRANTED if granted else ConsentAction.WITHDRAWN
            await uow.client_loop.add_consent(
                org_id, link.client_id, Channel.TELEGRAM, purpose, action, None, now
            )
            at = now if granted else None
            await uow.client_loop.set_link_consent(org_id, link.client_id, purpose, at)
            await uow.commit()
            found = await uow.client_loop.link(org_id, link.client_id)
        assert found is not None
        return found

    async def record_basis(
        self,
        actor: Actor,
        client_id: int,
        channel: Channel,
        purpose: Purpose = Purpose.TRANSACTIONAL,
    ) -> ConsentEvent:
        """A manager records the legal basis for messaging the client by SMS or e-mail."""
        require(actor, Action.CLIENT_EDIT)
        require_writable(actor)
        if channel is Channel.TELEGRAM:
            raise DomainError("consent_basis_channel")
        assert actor.organization is not None
        org_id = actor.organization.id
        async with self._uow() as uow:
            await client_order(uow, org_id, client_id, None)
            now = self._clock.now()
            event = await uow.client_loop.add_consent(
                org_id, client_id, channel, purpose, ConsentAction.BASIS, actor.user.id, now
            )
            await record(
                uow, actor, AuditAction.CLIENT_CONSENT_RECORDED, now, ("client", client_id),
                channel=channel.value, purpose=purpose.value,
            )  # fmt: skip
            await uow.commit()
        return event

    async def opt_out(
        self, org_id: int, client_id: int, channel: Channel, purpose: Purpose | None = None
    ) -> list[ConsentEvent]:
        """STOP by SMS, an unsubscribe link, /stop in Telegram: honoured at once, recorded
        with time and channel. No purpose: everything by that channel."""
        purposes = list(Purpose) if purpose is None else [purpose]
        async with self._uow() as uow:
            await client_order(uow, org_id, client_id, None)
            now = self._clock.now()
            stop = ConsentAction.WITHDRAWN
            events = [
                await uow.client_loop.add_consent(org_id, client_id, channel, p, stop, None, now)
                for p in purposes
            ]
            for p in purposes if channel is Channel.TELEGRAM else []:
                await uow.client_loop.set_link_consent(org_id, client_id, p, None)
            await uow.commit()
        return events

    async def channels(
        self,
        org_id: int,
        client_id: int,
        purpose: Purpose = Purpose.TRANSACTIONAL,
        *,
        email: str | None = None,
        sms_configured: bool = False,
        email_configured: bool = False,
    ) -> tuple[Channel, ...]:
        """The channels to try for this client now, best first."""
        async with self._uow() as uow:
            client = await uow.clients.get(org_id, client_id)
            if client is None:
                return ()
            link = await uow.client_loop.link(org_id, client_id)
            events = await uow.client_loop.consents(org_id, client_id)
        consent_at = None
        if link is not None:
            transactional = purpose is Purpose.TRANSACTIONAL
            consent_at = link.transactional_at if transactional else link.marketing_at
        reach = Reach(
            linked=link is not None,
            telegram_consent=consent_at is not None,
            phones=client.phones,
            email=email,
            sms_configured=sms_configured,
            email_configured=email_configured,
            consents=consent_state(events),
            restricted=client.restricted,
        )
        return choose_channels(reach, purpose)

    async def log_message(self, org_id: int, new: NewClientMessage) -> ClientMessage:
        """Record a message to or from the client (queued, or as already sent or received)."""
        if len(new.body) > BODY_MAX:
            raise DomainError("text_too_long", limit=BODY_MAX, length=len(new.body))
        async with self._uow() as uow:
            await client_order(uow, org_id, new.client_id, new.order_id)
            message = await uow.client_loop.add_message(org_id, new, self._clock.now())
            await uow.commit()
        return message

    async def mark(
        self,
        org_id: int,
        message_id: int,
        status: DeliveryStatus,
        provider_id: str | None = None,
    ) -> ClientMessage | None:
        """A delivery went out, was delivered or failed (None: no such message)."""
        async with self._uow() as uow:
            now = self._clock.now()
            found = await uow.client_loop.set_status(org_id, message_id, status, provider_id, now)
            await uow.commit()
        return found

    async def order_history(self, actor: Actor, order_id: int) -> list[ClientMessage]:
        """The client messages on an order's history: managers, or the order's assignee."""
        require(actor, Action.ORDER_WORK_OWN)
        assert actor.organization is not None
        org_id = actor.organization.id
        async with self._uow() as uow:
            order = await uow.orders.get(org_id, order_id)
            mine = order is not None and order.assignee_id == actor.user.id
            if order is None or not (mine or allowed(actor.role, Action.ORDER_VIEW_ALL)):
                raise DomainError("not_found")
            return await uow.client_loop.order_messages(org_id, order_id)
