"""Forward-anything order creation: a client's message becomes a draft /neworder.

The forwarded text is de-identified before the model sees it; the model extracts the fields
with placeholders, which are restored locally. The draft then opens in the /neworder flow,
which asks only what is still missing and ends at the confirmation card for correction.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from core.deid import deidentify, restore
from core.dialogs.data import ClientAnswer, NewOrderData, Place, When
from core.dialogs.service import DialogService
from core.domain import Actor
from core.errors import DomainError, ExternalServiceError
from core.money import parse_money
from core.orders.new_order_flow import NEW_ORDER
from core.outcomes import Prompt
from core.permissions import Action, require
from core.ports import ChatModel, Clock, EntityFinder, UowFactory
from core.team.ai_switches import AiStep, ai_on
from core.text import clean_line
from core.when import local_today, next_year, parse_time, parse_when

INBOX_PROMPT = """You turn a customer's request for a home service (cleaning, repair,
installation, plumbing, appliances) into an order draft. Personal data was replaced by
placeholders like [PERSON_1], [PHONE_1], [ADDRESS_1]: copy them exactly. Answer with one JSON
object and nothing else: {"client_name": string or null, "phone": string or null, "address":
string or null, "service": string or null (the kind of work), "date": string or null (as
written, e.g. "25.12" or "завтра"), "time": string or null (e.g. "14:30"), "price": number or
null, "description": string (what needs to be done)}."""
TEXT_MAX = 4000


class InboxService:
    def __init__(
        self,
        uow: UowFactory,
        clock: Clock,
        dialogs: DialogService,
        model: ChatModel | None,
        entities: EntityFinder | None = None,
    ) -> None:
        self._uow, self._clock, self._dialogs, self._model = uow, clock, dialogs, model
        self._entities = entities  # people and places nobody typed in (natasha)

    @property
    def enabled(self) -> bool:
        return self._model is not None

    def reads(self, actor: Actor) -> bool:
        """The model reads this organization's forwarded requests: configured, and not
        switched off by an owner (docs/data-rights.md)."""
        return self.enabled and ai_on(actor.organization, AiStep.INBOX)

    async def draft(self, actor: Actor, chat_id: int, text: str) -> Prompt:
        """Parse the forwarded request and open /neworder with what was found."""
        require(actor, Action.ORDER_CREATE)
        text = text.strip()[:TEXT_MAX]
        if not text:
            raise DomainError("inbox_empty")
        fields = await self._extract(text) if self.reads(actor) else {}
        data = await self._prefill(actor, fields, text)
        return await self._dialogs.start(actor, chat_id, NEW_ORDER, data)

    async def _extract(self, text: str) -> dict[str, Any]:
        assert self._model is not None
        found = await self._entities.find(text) if self._entities is not None else []
        redacted = deidentify(text, found=found)
        try:
            answer = await self._model.complete(INBOX_PROMPT, redacted.text, json_mode=True)
        except ExternalServiceError:
            return {}  # the manager fills the draft in by hand
        fields = _parse(answer)
        return {
            k: restore(v, redacted.mapping) if isinstance(v, str) else v for k, v in fields.items()
        }

    async def _prefill(self, actor: Actor, fields: Mapping[str, Any], text: str) -> NewOrderData:
        assert actor.organization is not None
        phone, name, address = (
            fields.get("phone"),
            fields.get("client_name"),
            fields.get("address"),
        )
        client = None
        if phone:
            client = ClientAnswer(phone=str(phone), name=str(name) if name else None)
        elif name:
            client = ClientAnswer(query=str(name))
        price = _price(fields.get("price"))
        return NewOrderData(
            description=clean_line(fields.get("description") or text)[:2000],
            client=client,
            address=Place(text=clean_line(str(address))[:300]) if address else None,
            category=await self._category(actor.organization.id, fields.get("service")),
            when=self._when(actor, fields.get("date"), fields.get("time")),
            price=price,
            blank=frozenset() if price is not None else frozenset({"price"}),
        )

    async def _category(self, org_id: int, service: Any) -> str | None:
        if not isinstance(service, str) or not service.strip():
            return None
        async with self._uow() as uow:
            categories = await uow.categories.listing(org_id)
        wanted = service.casefold()
        for category in categories:
            name = category.name.casefold()
            if name in wanted or wanted in name:
                return str(category.id)
        return None

    def _when(self, actor: Actor, day: Any, at: Any) -> When | None:
        assert actor.organization is not None
        today = local_today(self._clock.now(), actor.organization.timezone)
        try:
            answer = parse_when(f"{day or ''} {at or ''}".strip(), today)
        except DomainError:
            return None
        time_of_day = answer.at
        if answer.at is None and isinstance(at, str):
            try:
                time_of_day = parse_time(at)
            except DomainError:
                time_of_day = None
        later = next_year(answer, today)
        if later is None and answer.day < today:  # a past date with its year: asked again
            return None
        return When(day=answer.day, time=time_of_day, next_year=later)


def _parse(answer: str) -> dict[str, Any]:
    try:
        data = json.loads(answer.strip().strip("`").removeprefix("json").strip())
    except ValueError:
        return {}
    if not isinstance(data, dict):
        return {}
    keys = ("client_name", "phone", "address", "service", "date", "time", "price", "description")
    return {k: data.get(k) for k in keys if isinstance(data.get(k), str | int | float)}


def _price(value: Any) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        return parse_money(str(value))
    except DomainError:
        return None
