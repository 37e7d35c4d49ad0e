"""The /quote conversation on both databases (issue 20, item 5): a client found by name, a
catalogue item with its quantity and a typed line, the valid-until day by button, "Send"
makes one sent quote with those lines; the card's client skips the search; an unknown name
and a past day are asked again; "Done" needs a line; a worker is refused; the conversation
survives being read back from its JSON."""

from datetime import date

import pytest

from core.catalogue.model import ItemKind, NewItem
from core.dialogs.engine import DialogInput
from core.domain import Role
from core.errors import DomainError
from core.outcomes import Cancelled, Prompt, QuoteSent, Reask
from core.quotes.flow import QUOTE, quote_start
from core.quotes.model import QuoteStatus
from tests.support import onboard, owner_with_org, profile, services_for

CHAT = 501


@pytest.fixture
def services(uow_factory, clock):
    return services_for(uow_factory, clock)


async def _setup(services, uow_factory, clock):
    owner = await owner_with_org(services)
    client = await services.clients.create(owner, "Пётр Сидоров", None, "ул. Ленина, 1")
    async with uow_factory() as uow:
        item = await uow.catalogue.add_item(
            owner.organization.id,
            clock.now(),
            NewItem(
                kind=ItemKind.SERVICE, name="Cleaning", unit="h", price_minor=800_00, vat_bp=None
            ),
        )
        await uow.commit()
    return owner, client, item


async def _say(services, actor, **given):
    return await services.dialogs.answer(actor, CHAT, DialogInput(**given))


async def test_a_quote_is_prepared_and_sent(services, uow_factory, clock):
    owner, client, item = await _setup(services, uow_factory, clock)
    prompt = await services.dialogs.start(owner, CHAT, QUOTE, quote_start())
    assert prompt.state.step == "client"
    unknown = await _say(services, owner, text="Никто")
    assert isinstance(unknown, Reask) and unknown.error.code == "quote_client_none"
    picked = await _say(services, owner, text="Сидоров")
    assert picked.state.step == "client_pick"
    assert [c.id for c in picked.state.data.candidates] == [client.id]
    line = await _say(services, owner, choice=str(client.id))
    assert line.state.step == "line" and line.state.data.client_name == "Пётр Сидоров"
    done_early = await _say(services, owner, choice="done")  # no line yet
    assert isinstance(done_early, Reask)
    quantity = await _say(services, owner, choice=f"item:{item.id}")
    assert quantity.state.step == "quantity"
    again = await _say(services, owner, text="2,5")
    assert again.state.step == "line" and len(again.state.data.lines) == 1
    typed = await _say(services, owner, text="замена крана, 1 х 1500")
    assert typed.state.step == "line" and len(typed.state.data.lines) == 2
    valid = await _say(services, owner, choice="done")
    assert valid.state.step == "valid"
    past = await _say(services, owner, text="01.01.2026")
    assert isinstance(past, Reask) and past.error.code == "quote_valid_past"
    check = await _say(services, owner, choice="14")
    assert check.state.step == "confirm"
    assert check.state.data.valid == date(2026, 3, 16)  # the clock's 2 March + 14 days
    sent = await _say(services, owner, choice="send")
    assert isinstance(sent, QuoteSent) and sent.client_name == "Пётр Сидоров"
    quote, lines = await services.quotes.view(owner, sent.quote_id)
    assert quote.status is QuoteStatus.SENT and quote.client_id == client.id
    assert quote.valid_until == date(2026, 3, 16)
    assert [(ln.name, ln.quantity_milli, ln.unit_price_minor) for ln in lines] == [
        ("Cleaning", 2500, 800_00),
        ("замена крана", 1000, 1500_00),
    ]
    assert quote.total_minor == 2000_00 + 1500_00
    assert await services.dialogs.current(owner, CHAT) is None


async def test_from_the_card_the_client_is_known_and_cancel_makes_nothing(
    services, uow_factory, clock
):
    owner, client, _ = await _setup(services, uow_factory, clock)
    prompt = await services.dialogs.start(owner, CHAT, QUOTE, quote_start(client.id))
    assert isinstance(prompt, Prompt) and prompt.state.step == "line"
    await _say(services, owner, text="filter 2 pcs x 450.50")
    await _say(services, owner, choice="done")
    await _say(services, owner, text="20.03")
    state = await services.dialogs.current(owner, CHAT)  # read back from the database
    assert state.step == "confirm" and state.data.valid == date(2026, 3, 20)
    assert state.data.lines[0].unit_price_minor == 450_50
    assert isinstance(await _say(services, owner, choice="cancel"), Cancelled)
    assert await services.quotes.open_quotes(owner.organization.id) == []


async def test_a_worker_is_refused(services, uow_factory, clock):
    owner, client, _ = await _setup(services, uow_factory, clock)
    token = (await services.invites.create(owner, Role.WORKER, uses=1)).token
    person = profile("Ivan")
    await services.invites.accept(await onboard(services, person), token)
    worker = await services.users.identify(person)
    with pytest.raises(DomainError) as refused:
        await services.dialogs.start(worker, CHAT, QUOTE, quote_start(client.id))
    assert refused.value.code == "forbidden"
