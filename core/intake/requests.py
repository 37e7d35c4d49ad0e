"""A request from a website (issue 21, item 2; docs/widget.md): the client found by phone or
added (the same phone is the same client, as the bot's duplicate check would conclude; a known
client keeps their card), the order created in the organization's intake state, and who
hears of it: `draft` -> every owner and manager gets the request to accept, edit or reject;
`distributing` -> offered to all workers, like a manager's "Offer to all". A second identical
request from the same phone within `REPEAT_WINDOW` is the same request (nothing new made).

Website requests are recorded as made by the organization's first owner (orders need a
member who created them), with a `website` event naming the consent's policy version."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from core.changes import ClientChange
from core.clients.fields import client_email
from core.domain import Actor, Order, OrderStatus, Role, User
from core.errors import DomainError
from core.intake.catalogue import IntakeCatalogue
from core.intake.model import DISTRIBUTING, HORIZON_DAYS
from core.intake.settings import IntakeOrg
from core.orders.cards import card_for
from core.orders.rules import OrderAction
from core.orders.service import OrderDraft, OrderService
from core.permissions import Action, allowed
from core.phones import EXAMPLE as PHONE_EXAMPLE
from core.ports import AddressSuggesters, Clock, PhoneNormalizer, UnitOfWork, UowFactory
from core.text import clean_line
from core.views import OrderCard, OrderChange

REPEAT_WINDOW = timedelta(minutes=10)
WEBSITE_EVENT = "website"


class FieldError(DomainError):
    """A request's field refused: `field` names it as the widget does (422 with field errors)."""

    def __init__(self, field: str, code: str, **params: object) -> None:
        super().__init__(code, **params)
        self.field = field


@dataclass(frozen=True, slots=True)
class WebsiteRequest:
    name: str
    phone: str
    description: str
    policy_version: str
    category_id: int | None = None
    service_id: int | None = None
    service_text: str | None = None
    address: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    email: str | None = None
    preferred_time: str | None = None
    scheduled_at: datetime | None = None  # the wished time, when the form asks for one


@dataclass(frozen=True, slots=True)
class Submitted:
    order: Order
    state: str
    repeated: bool  # the same request again: nothing new was made or sent
    leads: tuple[tuple[User, OrderCard], ...] = ()  # draft: who reviews it, with their cards
    offer: OrderChange | None = None  # distributing: the offer to the workers


class IntakeRequests:
    def __init__(
        self,
        uow: UowFactory,
        clock: Clock,
        orders: OrderService,
        phones: PhoneNormalizer,
        addresses: AddressSuggesters | None = None,
    ) -> None:
        self._uow = uow
        self._clock = clock
        self._orders = orders
        self._phones = phones
        self.catalogue = IntakeCatalogue(uow, addresses)

    async def submit(self, found: IntakeOrg, request: WebsiteRequest) -> Submitted:
        org = found.organization
        phone = self._phones.normalize(request.phone, org.country)
        if phone is None:
            raise FieldError("clientPhone", "phone_invalid", example=PHONE_EXAMPLE)
        try:
            email = client_email(request.email)
        except DomainError as error:
            raise FieldError("email", error.code) from None
        name = clean_line(request.name)[:200] or "—"
        address = clean_line(request.address or "") or None
        when, now = request.scheduled_at, self._clock.now()
        if when is not None and when <= now:
            later = (now + timedelta(days=1)).isoformat(timespec="minutes")
            raise FieldError("preferredAt", "date_past", example=later)
        if when is not None and when > now + timedelta(days=HORIZON_DAYS):
            raise FieldError("preferredAt", "date_too_far", days=HORIZON_DAYS)
        async with self._uow() as uow:
            owner = await _owner(uow, found)
            category = await self._category(uow, org.id, request)
            service = await self._service(uow, org.id, request)
            needed = "comment" in found.settings.required
            description = _description(request, service, needed)
            same = await uow.clients.by_phone(org.id, phone)
            if same:
                client = same[0]
                for old in await uow.orders.for_client(org.id, client.id, 5):
                    recent = old.created_at >= now - REPEAT_WINDOW
                    if recent and old.description == description:
                        return Submitted(old, found.settings.state, True)
                if address and not client.address:
                    change = ClientChange(address=address)
                    await uow.clients.update(org.id, client.id, now, change)
            else:
                client = await uow.clients.add(org.id, name, [phone], address, None, now)
            if email:
                await uow.client_loop.set_client_email(org.id, client.id, email, now)
            draft = OrderDraft(
                client_id=client.id,
                address=address,
                latitude=request.latitude,
                longitude=request.longitude,
                category_id=category,
                scheduled_at=when.astimezone(UTC) if when is not None else None,
                price_minor=None,
                description=description,
            )
            order = await self._orders.create(owner, draft, uow)
            policy = clean_line(request.policy_version)[:32]
            data = {"state": found.settings.state, "policy": policy}
            await uow.orders.add_event(order, None, WEBSITE_EVENT, data, now)
            if found.settings.state == DISTRIBUTING:
                offer = await self._orders.act(owner, order.id, OrderAction.OFFER, uow)
                await uow.commit()
                return Submitted(offer.card.order, DISTRIBUTING, False, offer=offer)
            leads = await _lead_cards(uow, self._clock, org.id, order)
            await uow.commit()
            return Submitted(order, found.settings.state, False, leads=leads)

    async def _category(self, uow: UnitOfWork, org_id: int, request: WebsiteRequest) -> int | None:
        if request.category_id is None:
            return None
        listed = {c.id for c in await uow.categories.listing(org_id)}
        if request.category_id not in listed:
            raise FieldError("serviceId", "not_found")
        return request.category_id

    async def _service(self, uow: UnitOfWork, org_id: int, request: WebsiteRequest) -> str | None:
        if request.service_id is None:
            return request.service_text
        item = await uow.catalogue.item(org_id, request.service_id)
        if item is None or item.archived or item.kind.value != "service":
            raise FieldError("subServiceId", "not_found")
        if request.category_id is not None and item.category_id not in (None, request.category_id):
            raise FieldError("subServiceId", "not_found")
        return item.name


def _description(request: WebsiteRequest, service: str | None, needed: bool = True) -> str:
    """The service, what the client wrote and the time in words, each line cleaned of
    control and invisible characters (a website sends whatever it is given). The comment
    may be left out when the organization does not require it, if a service is named."""
    text = _lines(request.description)
    joined = "\n".join(p for p in (_lines(service), text, _lines(request.preferred_time)) if p)
    if (needed and not text) or not joined:
        raise FieldError("description", "description_empty")
    return joined


def _lines(text: str | None) -> str:
    return "\n".join(kept for line in (text or "").splitlines() if (kept := clean_line(line)))


async def _owner(uow: UnitOfWork, found: IntakeOrg) -> Actor:
    """The member website requests are recorded as made by: the first active owner."""
    org = found.organization
    for view in await uow.members.team(org.id):
        if view.membership.active and view.membership.role is Role.OWNER:
            return Actor(view.user, org, view.membership)
    raise DomainError("not_found")


async def _lead_cards(
    uow: UnitOfWork, clock: Clock, org_id: int, order: Order
) -> tuple[tuple[User, OrderCard], ...]:
    found: list[tuple[User, OrderCard]] = []
    for view in await uow.members.team(org_id):
        membership = view.membership
        if not membership.active or not allowed(membership.role, Action.ORDER_ASSIGN):
            continue
        user, card = await card_for(uow, clock, view.user.id, order)
        if user is not None and card is not None and order.status is OrderStatus.NEW:
            found.append((user, card))
    return tuple(found)
