"""A quote's way to its client, on both databases (docs/quotes.md): an unlinked client of an
organization without SMS or e-mail cannot be reached; a linked client with consent gets a
Telegram draft in their language with the lines; /stop stops it; the reminder job is queued
once per quote, two days after sending; a tap by another person is "not for you" and reads
nothing; the client's approval makes one order and the author is named for the notice."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from core.catalogue.model import NewLine
from core.client_loop.model import Channel, MessageKind, Purpose
from core.errors import DomainError
from core.quotes.delivery import REMIND_JOB
from storage.tables import JobRow
from tests.support import owner_with_org, profile, services_for

TAP = NewLine("Replace tap", 1000, 1500_00, "pcs")


@pytest.fixture
def services(uow_factory, clock):
    return services_for(uow_factory, clock)


async def _sent(services):
    owner = await owner_with_org(services)
    client = await services.clients.create(owner, "Пётр Сидоров", None, "ул. Ленина, 1")
    quote = await services.quotes.create(owner, client.id, [TAP], date(2026, 3, 20))
    return owner, client, await services.quotes.send(owner, quote.id)


async def _link(services, owner, client, name="Пётр"):
    loop = services.client_loop
    person = (await services.users.identify(profile(name))).user
    await loop.redeem(person, (await loop.invite(owner, client.id)).token)
    await loop.answer_consent(person, owner.organization.id, Purpose.TRANSACTIONAL, True)
    return person


async def test_only_a_reachable_client_gets_a_draft(services):
    owner, client, quote = await _sent(services)
    org_id, messages = owner.organization.id, services.quote_messages
    assert await messages.draft(org_id, quote.id, MessageKind.QUOTE, "en") is None
    person = await _link(services, owner, client)
    draft = await messages.draft(org_id, quote.id, MessageKind.QUOTE, "en")
    assert draft is not None and draft.telegram and draft.chat_id == person.telegram_id
    assert draft.language == "ru" and "смета" in draft.template
    assert [line.name for line in draft.lines] == ["Replace tap"]
    assert draft.values["quote_number"] == str(quote.id)
    await services.client_loop.opt_out(org_id, client.id, Channel.TELEGRAM)
    assert await messages.draft(org_id, quote.id, MessageKind.QUOTE, "en") is None


async def test_the_reminder_job_is_queued_once(services, uow_factory):
    _, _, quote = await _sent(services)
    await services.quote_messages.remind_later(quote)
    await services.quote_messages.remind_later(quote)
    async with uow_factory() as uow:
        rows = (await uow.session.execute(select(JobRow).where(JobRow.kind == REMIND_JOB))).all()
    (job,) = [r[0] for r in rows]
    assert job.dedup_key == f"quote:{quote.id}:remind"
    assert job.run_at.replace(tzinfo=None) >= (quote.sent_at + timedelta(days=2)).replace(
        tzinfo=None
    )


async def test_a_foreign_tap_reads_nothing_and_an_approval_names_the_author(services):
    owner, client, quote = await _sent(services)
    person = await _link(services, owner, client)
    stranger = (await services.users.identify(profile("Чужой"))).user
    answers, org_id = services.quote_answers, owner.organization.id
    with pytest.raises(DomainError) as foreign:
        await answers.slots(stranger.id, org_id, quote.id)
    assert foreign.value.code == "client_button_foreign"
    times = await answers.slots(person.id, org_id, quote.id)
    assert times == []  # nobody works here yet: no free time to offer
    with pytest.raises(DomainError) as taken:
        await answers.approve(person.id, org_id, quote.id, services.clock.now())
    assert taken.value.code == "quote_slot_taken"
    told = await answers.decline(person.id, org_id, quote.id)
    assert told.author is not None and told.author.id == owner.user.id
    assert told.client_name == "Пётр Сидоров" and told.order is None
    with pytest.raises(DomainError) as again:
        await answers.decline(person.id, org_id, quote.id)
    assert again.value.code == "quote_already"
