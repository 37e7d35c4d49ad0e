"""/quote and the client card's "📝 Quote" as a conversation (docs/quotes.md): the client
(a phone or a name searched, a match picked; or the card's), the lines one by one (a catalogue
item and its quantity, or a line typed whole, as "➕ Add line" takes them) until "Done", the
valid-until day (buttons, default in 14 days, or typed), a check screen, and "Send": the quote
is made and sent in the conversation's unit of work, and its delivery to the client follows."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from core.catalogue.flow import (
    ITEM,
    OFFERED,
    line_of,
    parse_line_answer,
    parse_quantity_answer,
)
from core.catalogue.model import MAX_LINES, NewLine
from core.clients.search import parse_query
from core.dialogs.data import Candidate, Ref
from core.dialogs.engine import DialogInput, Flow, Step, choice_of, required
from core.dialogs.quote_data import QuoteData, QuoteLine
from core.dialogs.service import Spec
from core.domain import Actor
from core.errors import DomainError
from core.outcomes import Cancelled, Outcome, QuoteSent
from core.permissions import Action, require
from core.ports import Clock, UnitOfWork
from core.quotes.model import check_lines, check_valid_until
from core.quotes.service import QuoteService, today_in
from core.when import next_year, parse_when

QUOTE = QuoteData.flow
DONE = "done"
VALID_DAYS = (7, 14, 30)  # the valid-until buttons, in days from today
DEFAULT_DAYS = 14
CANDIDATES = 6
CONFIRM = {"send": "send", "cancel": "cancel"}


def _client(given: DialogInput, _data: QuoteData) -> str:
    text = (given.contact_phone or given.text or "").strip()
    if not text or given.choice is not None:
        raise DomainError("client_query_empty")
    return text[:200]


def _pick(given: DialogInput, data: QuoteData) -> str:
    return choice_of({str(c.id): c.name for c in data.candidates or ()})(given, data)


def _line(given: DialogInput, data: QuoteData) -> str:
    """A catalogue item, a typed line, or "Done" once there is a line."""
    if data.lines and (given.choice == DONE or given.text in ("/done", DONE)):
        return DONE
    return parse_line_answer(given, data)


def _valid(given: DialogInput, data: QuoteData) -> date:
    """A button's number of days, or a day typed (`30.12`, `30.12.2026`)."""
    today = required(data.today)
    if given.choice is not None and given.choice.isdigit():
        return check_valid_until(today + timedelta(days=int(given.choice)), today)
    answer = parse_when(given.text, today)
    return check_valid_until(next_year(answer, today) or answer.day, today)


def _picked(data: QuoteData) -> bool:
    return (data.line or "").startswith(ITEM)


QUOTE_FLOW = Flow(
    QuoteData,
    (
        Step("client", _client, skip=lambda d: d.client_id is not None),
        Step("client_pick", _pick, skip=lambda d: d.client_id is not None),
        Step("line", _line),
        Step("quantity", parse_quantity_answer, skip=lambda d: not _picked(d)),
        Step("valid", _valid),
        Step("confirm", choice_of(CONFIRM)),
    ),
)


def stored(line: NewLine) -> QuoteLine:
    return QuoteLine(
        line.name, line.quantity_milli, line.unit_price_minor, line.unit,
        line.discount_minor, line.vat_bp, line.item_id,
    )  # fmt: skip


def new_lines(data: QuoteData) -> list[NewLine]:
    return [NewLine(*line) for line in data.lines]


class QuoteSpec(Spec[QuoteData]):
    flow = QUOTE_FLOW

    def __init__(self, clock: Clock, quotes: QuoteService) -> None:
        self._clock = clock
        self._quotes = quotes

    async def enrich(self, uow: UnitOfWork, actor: Actor, data: QuoteData) -> QuoteData:
        require(actor, Action.ORDER_ASSIGN)
        assert actor.organization is not None
        org_id = actor.organization.id
        if data.today is None:
            items = await uow.catalogue.items(org_id)
            data = replace(
                data,
                today=today_in(actor.organization, self._clock.now()),
                language=actor.user.preferred_language("ru"),
                items=tuple(Ref(i.id, i.name) for i in items[:OFFERED]),
            )
        if data.client is not None and data.candidates is None:
            found = await uow.clients.search(org_id, parse_query(data.client), CANDIDATES)
            if not found:
                raise DomainError("quote_client_none")
            offered = (Candidate(c.id, c.name, c.phones[0] if c.phones else None) for c in found)
            data = replace(data, candidates=tuple(offered))
        if data.client_pick is not None and data.client_id is None:
            data = replace(data, client_id=int(data.client_pick))
        if data.client_id is not None and data.client_name is None:
            client = await uow.clients.get(org_id, data.client_id)
            if client is None:
                raise DomainError("not_found")
            data = replace(data, client_name=client.name)
        return await self._add_line(uow, org_id, data)

    async def _add_line(self, uow: UnitOfWork, org_id: int, data: QuoteData) -> QuoteData:
        """A line answered in full joins the lines; the line step is asked again."""
        text = data.line
        if text is None or text == DONE or (_picked(data) and data.quantity is None):
            return data
        if len(data.lines) >= MAX_LINES:
            raise DomainError("lines_too_many", limit=MAX_LINES)
        language = data.language or "en"
        line = await line_of(uow, org_id, text, data.quantity, language)
        check_lines([*new_lines(data), line])
        return replace(data.forget("line", "quantity"), lines=(*data.lines, stored(line)))

    async def complete(
        self, uow: UnitOfWork, actor: Actor, chat_id: int, data: QuoteData
    ) -> Outcome:
        if data.confirm != "send":
            return Cancelled(QUOTE)
        client_id, valid = required(data.client_id), required(data.valid)
        quote = await self._quotes.create_in(uow, actor, client_id, new_lines(data), valid)
        sent = await self._quotes.send_in(uow, actor, quote.id)
        return QuoteSent(sent.id, required(data.client_name))


def quote_start(client_id: int | None = None) -> QuoteData:
    """The conversation's start: from /quote (no client yet) or from a client's card."""
    return QuoteData() if client_id is None else QuoteData(client_id=client_id)
