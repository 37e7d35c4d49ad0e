"""A quote's way to its client, on both databases (docs/quotes.md): an unlinked client of an
organization without SMS or e-mail cannot be reached; a linked client with consent gets a
Telegram draft in their language with the lines; /stop stops it; the reminder job is queued
once per quote, two days after sending; a tap by another person is "not for you" and reads
nothing; a decline names the author for the notice; an SMS client's job carries the quote's
page link, whose token opens the page (a forged one does not)."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from bot.container import Adapters, make_services
from bot.settings import Settings
from core.catalogue.model import NewLine
from core.client_loop.model import Channel, MessageKind, Purpose
from core.client_loop.providers import SMS_SECRET, sms_json, sms_settings
from core.errors import DomainError
from core.quotes.delivery import REMIND_JOB, QuoteMessages
from handlers.i18n import Catalogs
from integrations.phones import PhonenumbersNormalizer
from storage.secrets import FernetSecretBox
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
    chat = person.telegram_id
    told = await answers.decline(person.id, org_id, quote.id, chat)
    assert told.author is not None and told.author.id == owner.user.id
    assert told.client_name == "Пётр Сидоров" and told.order is None
    why = await answers.question(person.id, chat, "Дорого")  # the reason, awaited once
    assert why is not None and why[2] and why[0].quote.status.value == "declined"
    with pytest.raises(DomainError) as again:
        await answers.decline(person.id, org_id, quote.id, chat)
    assert again.value.code == "quote_already"


async def test_an_sms_client_gets_the_page_link_and_the_page_opens(uow_factory, clock, tmp_path):
    """With an SMS provider and a public URL, the quote goes as an SMS job whose text has the
    quote's page link; the token opens the page until three days after the last valid day."""
    key = FernetSecretBox.generate_key()
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None, database_url="sqlite:///unused.db", files_dir=tmp_path, encryption_key=key
    )
    adapters = Adapters(PhonenumbersNormalizer(), None, None, None, None)
    adapters.secrets = FernetSecretBox(key)
    services = make_services(uow_factory, clock, Catalogs(), settings, adapters)
    owner = await owner_with_org(services)
    stored = sms_json(sms_settings("sms_ru", "sms-key"))
    await services.org_settings.store_secret(owner, SMS_SECRET, stored)
    client = await services.clients.create(owner, "Пётр", "+79161234567", None)
    quote = await services.quotes.create(owner, client.id, [TAP], date(2026, 3, 20))
    quote = await services.quotes.send(owner, quote.id)
    messages = QuoteMessages(uow_factory, clock, "https://crm.example")
    org_id = owner.organization.id
    draft = await messages.draft(org_id, quote.id, MessageKind.QUOTE, "en")
    assert draft is not None and draft.channels[0] is Channel.SMS
    link = draft.values["page_link"]
    assert link is not None and link.startswith("https://crm.example/q/")
    assert await messages.queue_elsewhere(draft, {"amount": "1 500 ₽", "valid_until": "20.03"})
    async with uow_factory() as uow:
        rows = (await uow.session.execute(select(JobRow).where(JobRow.kind == "client_sms"))).all()
    (job,) = [r[0] for r in rows]
    assert link in str(job.payload["values"]["page_link"])
    shown = await services.quote_pages.open(link.rsplit("/", 1)[1])
    assert shown.quote.id == quote.id and [x.name for x in shown.lines] == ["Replace tap"]
    with pytest.raises(DomainError) as forged:
        await services.quote_pages.open("A" * 22)
    assert forged.value.code == "client_page_unknown"


async def test_a_question_is_awaited_once_and_logged(services):
    owner, client, quote = await _sent(services)
    person = await _link(services, owner, client)
    answers, org_id, chat = services.quote_answers, owner.organization.id, person.telegram_id
    assert await answers.question(person.id, chat, "Сколько?") is None  # nothing asked
    await answers.ask(person.id, chat, org_id, quote.id)
    told, message_id, reason = await answers.question(person.id, chat, "  Сколько по времени?  ")
    assert not reason
    assert told.quote.id == quote.id and told.author.id == owner.user.id
    async with services.quotes._uow() as uow:
        logged = await uow.client_loop.message(org_id, message_id)
    assert logged.body == "Сколько по времени?" and logged.direction == "in"
    assert await answers.question(person.id, chat, "ещё") is None  # once
