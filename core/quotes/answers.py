"""The client's answers to a quote in Telegram (docs/quotes.md): the person tapping must be
linked as the quote's client in its organization (else `client_button_foreign`, nothing read
about the quote); then `QuoteService` decides (the free starts, approval into an order, a
decline). What the author of the quote is told is read here too."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from core.client_loop.inbound import TEXT_MAX
from core.client_loop.model import (
    Channel,
    DeliveryStatus,
    Direction,
    MessageKind,
    NewClientMessage,
)
from core.client_loop.visits import FOREIGN
from core.dialogs.engine import DialogState
from core.dialogs.quote_data import QuoteQuestionData
from core.domain import Order, User
from core.errors import DomainError
from core.ports import Clock, UowFactory
from core.quotes.model import Quote
from core.quotes.service import QuoteService


@dataclass(frozen=True, slots=True)
class Told:
    """A client's answer as its author hears it: the quote, the order it became (approved),
    the client's name, the author (None: gone) and the organization's zone."""

    quote: Quote
    order: Order | None
    client_name: str
    author: User | None
    zone: str
    assignee: User | None = None  # who the approved order went to


QUESTION_STEP = "text"


class QuoteAnswers:
    def __init__(self, uow: UowFactory, quotes: QuoteService, clock: Clock) -> None:
        self._uow = uow
        self._quotes = quotes
        self._clock = clock

    async def _client(self, user_id: int, org_id: int, quote_id: int) -> int:
        async with self._uow() as uow:
            link = await uow.client_loop.link_of_user(org_id, user_id)
            quote = await uow.quotes.get(org_id, quote_id) if link is not None else None
            if link is None or quote is None or quote.client_id != link.client_id:
                raise DomainError(FOREIGN)
            return link.client_id

    async def ask(self, user_id: int, chat_id: int, org_id: int, quote_id: int) -> None:
        """ "Ask a question": the next text in `chat_id` is the question (refused for
        another person's quote, and for one that is answered or expired)."""
        client_id = await self._client(user_id, org_id, quote_id)
        await self._quotes.slots(org_id, client_id, quote_id)  # still waiting for an answer
        await self._await(user_id, chat_id, QuoteQuestionData(org_id=org_id, quote_id=quote_id))

    async def _await(self, user_id: int, chat_id: int, data: QuoteQuestionData) -> None:
        async with self._uow() as uow:
            state = DialogState(QUESTION_STEP, data)
            await uow.dialogs.save(chat_id, user_id, state, self._clock.now())
            await uow.commit()

    async def question(
        self, user_id: int, chat_id: int, text: str
    ) -> tuple[Told, int, bool] | None:
        """The awaited question (or reason for declining: the flag), logged as the client's
        message (the author's Reply answers it as any relayed message); None when nothing is
        awaited in this chat."""
        async with self._uow() as uow:
            state = await uow.dialogs.get(chat_id, user_id)
            if state is None or not isinstance(state.data, QuoteQuestionData):
                return None
            data = state.data
            await uow.dialogs.clear(chat_id, user_id)
            quote = await uow.quotes.get(data.org_id, data.quote_id)
            link = await uow.client_loop.link_of_user(data.org_id, user_id)
            if quote is None or link is None or link.client_id != quote.client_id:
                await uow.commit()
                return None
            new = NewClientMessage(
                client_id=quote.client_id, direction=Direction.IN,
                kind=MessageKind.CLIENT_MESSAGE, channel=Channel.TELEGRAM,
                body=text.strip()[:TEXT_MAX], status=DeliveryStatus.DELIVERED,
            )  # fmt: skip
            logged = await uow.client_loop.add_message(data.org_id, new, self._clock.now())
            await uow.commit()
        return await self.told(quote, None), logged.id, data.reason

    async def zone(self, org_id: int) -> str:
        async with self._uow() as uow:
            org = await uow.orgs.get(org_id)
            return org.timezone if org is not None else "UTC"

    async def slots(self, user_id: int, org_id: int, quote_id: int) -> list[datetime]:
        client_id = await self._client(user_id, org_id, quote_id)
        return await self._quotes.slots(org_id, client_id, quote_id)

    async def approve(self, user_id: int, org_id: int, quote_id: int, start: datetime) -> Told:
        client_id = await self._client(user_id, org_id, quote_id)
        approved = await self._quotes.approve(org_id, client_id, quote_id, start)
        return await self.told(approved.quote, approved.order)

    async def check_decline(self, user_id: int, org_id: int, quote_id: int) -> None:
        """Before "are you sure?": still the client's and still open (else why not)."""
        client_id = await self._client(user_id, org_id, quote_id)
        await self._quotes.slots(org_id, client_id, quote_id)

    async def decline(self, user_id: int, org_id: int, quote_id: int, chat_id: int) -> Told:
        """Declined; the client's next text in `chat_id` is their (optional) reason."""
        client_id = await self._client(user_id, org_id, quote_id)
        declined = await self._quotes.decline(org_id, client_id, quote_id)
        why = QuoteQuestionData(org_id=org_id, quote_id=quote_id, reason=True)
        await self._await(user_id, chat_id, why)
        return await self.told(declined, None)

    async def told(self, quote: Quote, order: Order | None) -> Told:
        async with self._uow() as uow:
            org = await uow.orgs.get(quote.organization_id)
            client = await uow.clients.get(quote.organization_id, quote.client_id)
            author = await uow.users.get(quote.created_by) if quote.created_by else None
            worker = order.assignee_id if order is not None else None
            assignee = await uow.users.get(worker) if worker is not None else None
        return Told(
            quote, order, client.name if client else "—", author,
            org.timezone if org else "UTC", assignee,
        )  # fmt: skip
