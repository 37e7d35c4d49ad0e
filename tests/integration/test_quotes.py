"""Quotes on both databases (issue 20, item 5): a draft with catalogue and typed lines and its
total; sending queues one reminder; the client approves with a start from the real free
slots and the quote becomes an order with its lines, assigned to the worker free then; a
start taken meanwhile is refused; decline; an expired quote cannot be approved; the open
quotes of the digest."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from core.catalogue.model import ItemKind, NewItem, NewLine
from core.domain import OrderStatus, Role
from core.errors import DomainError
from core.quotes.model import QuoteStatus
from core.quotes.service import QuoteService
from tests.support import onboard, owner_with_org, profile, services_for

MSK = ZoneInfo("Europe/Moscow")  # the clock: Monday 2 March 2026, 12:00 in Moscow
TAP = NewLine("Replace tap", 1000, 1500_00, "pcs")


def msk(day: int, hour: int) -> datetime:
    return datetime(2026, 3, day, hour, tzinfo=MSK).astimezone(UTC)


@pytest.fixture
def services(uow_factory, clock):
    return services_for(uow_factory, clock)


@pytest.fixture
def quotes(uow_factory, clock):
    return QuoteService(uow_factory, clock)


async def _setup(services, uow_factory, clock):
    owner = await owner_with_org(services)
    token = (await services.invites.create(owner, Role.WORKER, uses=1)).token
    person = profile("Ivan")
    await services.invites.accept(await onboard(services, person), token)
    worker = await services.users.identify(person)
    client = await services.clients.create(owner, "Пётр", None, "ул. Ленина, 1")
    async with uow_factory() as uow:
        item = await uow.catalogue.add_item(
            owner.organization.id,
            clock.now(),
            NewItem(
                kind=ItemKind.SERVICE, name="Cleaning", unit="h", price_minor=800_00, vat_bp=2000
            ),
        )
        await uow.commit()
    return owner, worker, client, item


def _lines(item):
    cleaning = NewLine(item.name, 2500, item.price_minor, item.unit, 100_00, item.vat_bp, item.id)
    return [cleaning, TAP]


async def test_a_quote_is_approved_into_an_order_with_its_lines(
    services, quotes, uow_factory, clock
):
    owner, worker, client, item = await _setup(services, uow_factory, clock)
    quote = await quotes.create(owner, client.id, _lines(item), date(2026, 3, 10))
    assert quote.status is QuoteStatus.DRAFT and quote.line_count == 2
    assert quote.total_minor == 2000_00 - 100_00 + 1500_00  # 2.5 h x 800 - 100, 1 x 1500
    _, lines = await quotes.view(owner, quote.id)
    assert [(ln.name, ln.quote_id, ln.order_id) for ln in lines] == [
        ("Cleaning", quote.id, None),
        ("Replace tap", quote.id, None),
    ]
    with pytest.raises(DomainError) as refused:  # not sent yet
        await quotes.slots(owner.organization.id, client.id, quote.id)
    assert refused.value.code == "quote_not_sent"

    sent = await quotes.send(owner, quote.id)
    assert sent.status is QuoteStatus.SENT and sent.sent_at == clock.now()
    with pytest.raises(DomainError) as again:
        await quotes.send(owner, quote.id)
    assert again.value.code == "quote_already"

    org_id = owner.organization.id
    slots = await quotes.slots(org_id, client.id, quote.id)
    assert slots[0] == msk(2, 14)  # two hours ahead, on the hour, inside working hours
    with pytest.raises(DomainError) as foreign:  # another client's quote is not found
        await quotes.approve(org_id, client.id + 1000, quote.id, slots[0])
    assert foreign.value.code == "not_found"

    approved = await quotes.approve(org_id, client.id, quote.id, slots[0])
    order = approved.order
    assert approved.quote.status is QuoteStatus.APPROVED
    assert approved.quote.order_id == order.id and approved.quote.answered_at == clock.now()
    assert order.client_id == client.id and order.scheduled_at == slots[0]
    assert order.price_minor == quote.total_minor and order.line_count == 2
    assert order.status is OrderStatus.ASSIGNED and order.assignee_id == worker.user.id
    async with uow_factory() as uow:
        order_lines = (await uow.catalogue.lines(org_id, [order.id]))[order.id]
    assert [(ln.name, ln.quantity_milli, ln.total_minor) for ln in order_lines] == [
        ("Cleaning", 2500, 1900_00),
        ("Replace tap", 1000, 1500_00),
    ]
    assert sum(ln.total_minor for ln in order_lines) == order.price_minor

    with pytest.raises(DomainError) as twice:
        await quotes.approve(org_id, client.id, quote.id, slots[1])
    assert twice.value.code == "quote_already"

    # The one worker now has that start: a second quote cannot take it and is offered others.
    other = await quotes.create(owner, client.id, [TAP], date(2026, 3, 10))
    await quotes.send(owner, other.id)
    with pytest.raises(DomainError) as taken:
        await quotes.approve(org_id, client.id, other.id, slots[0])
    assert taken.value.code == "quote_slot_taken"
    fresh = await quotes.slots(org_id, client.id, other.id)
    assert slots[0] not in fresh and fresh[0] == msk(2, 15)


async def test_decline_and_one_reminder(services, quotes, uow_factory, clock):
    owner, _worker, client, item = await _setup(services, uow_factory, clock)
    org_id = owner.organization.id
    quote = await quotes.create(owner, client.id, _lines(item), date(2026, 3, 20))
    await quotes.send(owner, quote.id)

    assert await quotes.remind(org_id, quote.id) is None  # not yet two days
    clock.advance(days=2)
    reminded = await quotes.remind(org_id, quote.id)
    assert reminded is not None and reminded.reminded_at == clock.now()
    assert reminded.status is QuoteStatus.SENT
    assert await quotes.remind(org_id, quote.id) is None  # once
    assert [q.id for q in await quotes.open_quotes(org_id)] == [quote.id]

    declined = await quotes.decline(org_id, client.id, quote.id)
    assert declined.status is QuoteStatus.DECLINED and declined.answered_at == clock.now()
    assert await quotes.open_quotes(org_id) == []
    with pytest.raises(DomainError) as late:
        await quotes.approve(org_id, client.id, quote.id, msk(5, 14))
    assert late.value.code == "quote_already"


async def test_an_expired_quote_cannot_be_approved(services, quotes, uow_factory, clock):
    owner, _worker, client, item = await _setup(services, uow_factory, clock)
    org_id = owner.organization.id
    quote = await quotes.create(owner, client.id, _lines(item), date(2026, 3, 3))
    await quotes.send(owner, quote.id)
    clock.set(datetime(2026, 3, 3, 23, 30, tzinfo=MSK))  # its last day, in Moscow
    assert await quotes.slots(org_id, client.id, quote.id)
    assert await quotes.expire(org_id, quote.id) is None
    clock.set(datetime(2026, 3, 4, 0, 30, tzinfo=MSK))  # the day after (21:30 UTC the 3rd)
    assert await quotes.open_quotes(org_id) == []
    assert await quotes.remind(org_id, quote.id) is None
    for attempt in (
        quotes.slots(org_id, client.id, quote.id),
        quotes.approve(org_id, client.id, quote.id, msk(4, 14)),
        quotes.decline(org_id, client.id, quote.id),
    ):
        with pytest.raises(DomainError) as expired:
            await attempt
        assert expired.value.code == "quote_expired"
        assert expired.value.params == {"day": "03.03.2026"}
    written = await quotes.expire(org_id, quote.id)
    assert written is not None and written.status is QuoteStatus.EXPIRED
    assert await quotes.expire(org_id, quote.id) is None


async def test_who_may_prepare_a_quote_and_what_it_holds(services, quotes, uow_factory, clock):
    owner, worker, client, _item = await _setup(services, uow_factory, clock)
    with pytest.raises(DomainError) as forbidden:
        await quotes.create(worker, client.id, [TAP], date(2026, 3, 10))
    assert forbidden.value.code == "forbidden"
    for lines, valid, code in (
        ([], date(2026, 3, 10), "quote_no_lines"),
        ([TAP], date(2026, 3, 1), "quote_valid_past"),
        ([TAP], date(2027, 3, 10), "quote_valid_far"),
        ([NewLine("x", 0, 100)], date(2026, 3, 10), "quantity_range"),
    ):
        with pytest.raises(DomainError) as bad:
            await quotes.create(owner, client.id, lines, valid)
        assert bad.value.code == code
    with pytest.raises(DomainError) as unknown:
        await quotes.create(owner, client.id + 1000, [TAP], date(2026, 3, 10))
    assert unknown.value.code == "not_found"
    async with uow_factory() as uow:
        assert await uow.quotes.open(owner.organization.id) == []


async def test_the_digest_lists_the_open_quotes(services, quotes, uow_factory, clock):
    owner, _worker, client, item = await _setup(services, uow_factory, clock)
    org_id = owner.organization.id
    draft = await quotes.create(owner, client.id, [TAP], date(2026, 3, 3))  # never sent
    later = await quotes.create(owner, client.id, _lines(item), date(2026, 3, 9))
    sooner = await quotes.create(owner, client.id, [TAP], date(2026, 3, 3))
    answered = await quotes.create(owner, client.id, [TAP], date(2026, 3, 9))
    for quote in (later, sooner, answered):
        await quotes.send(owner, quote.id)
    await quotes.decline(org_id, client.id, answered.id)
    digest = (await services.notifications.digest_for(owner)).digest
    assert [(q.id, q.total_minor) for q in digest.open_quotes] == [
        (sooner.id, TAP.unit_price_minor),
        (later.id, later.total_minor),
    ]
    assert draft.id not in [q.id for q in digest.open_quotes]
    clock.set(datetime(2026, 3, 4, 0, 30, tzinfo=MSK))  # the sooner one expired in Moscow
    digest = (await services.notifications.digest_for(owner)).digest
    assert [q.id for q in digest.open_quotes] == [later.id] and digest.open_quotes_total == 1
