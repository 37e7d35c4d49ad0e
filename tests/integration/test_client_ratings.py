"""Client ratings (issue 19, item 8) on both databases, with the real SMS.ru and SMTP peers:
when the question is scheduled (payment in full, or Done when nothing is due), asked once per
order whatever the job runs, never of a client who opted out; an SMS-only and an e-mail-only
client get a link to the order's page and rate there; a low rating queues one alert; the
digest's numbers and the client card read the ratings back."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import select

from core.client_loop.model import Channel, DeliveryStatus, MessageKind, Purpose
from core.client_loop.ratings import ALERT_JOB, RATING_JOB
from core.dialogs.engine import DialogInput
from core.errors import DomainError
from core.notifications.digest import DigestMessage
from core.orders.rules import OrderAction
from core.orders.service import OrderDraft
from core.outcomes import ClientMessaged
from core.runtime.jobs import JobRunner
from handlers.client_loop.client_bot import SharedOnly
from handlers.client_loop.ratings import rating_jobs
from handlers.i18n import Catalogs
from handlers.notifications.digests import digest_view
from handlers.orders.cards import client_text
from storage.runtime.jobs import SqlJobQueue
from storage.tables import ClientRatingRow, JobRow
from tests.integration.test_client_delivery import (
    ADDRESS,
    EMAIL,
    NOON,
    PHONE,
    _book,
    _org,
    open_world,
)
from tests.support import profile

PAGE = "https://crm.example"


@pytest.fixture
async def w(db_url, clock, tmp_path):
    clock.set(NOON)
    async with open_world(db_url, clock, tmp_path) as opened:
        handlers = {
            **opened.delivery.handlers(),
            **rating_jobs(SharedOnly(None), opened.services, Catalogs(), PAGE),  # type: ignore[arg-type]
        }
        opened.runner = JobRunner(
            SqlJobQueue(opened.sessions), handlers, clock, "test", retry_base=1.0
        )
        yield opened


async def _jobs(w, kind):
    async with w.uow() as uow:
        rows = await uow.session.execute(select(JobRow).where(JobRow.kind == kind))
        return list(rows.scalars())


async def _ratings(w):
    async with w.uow() as uow:
        return list((await uow.session.execute(select(ClientRatingRow))).scalars())


async def _done(w, owner, order, pay=None):
    loop = w.services.orders
    await loop.act(owner, order.id, OrderAction.ASSIGN, assignee_id=owner.user.id)
    await loop.act(owner, order.id, OrderAction.START)
    await loop.act(owner, order.id, OrderAction.DONE)
    if pay is not None:
        await loop.act(owner, order.id, OrderAction.PAY, amount_minor=pay, method="cash")


async def _linked(w, owner, client, order, stop=False):
    """The client linked in Telegram with consent to order messages (then /stop if asked)."""
    loop, org_id = w.services.client_loop, owner.organization.id
    person = (await w.services.users.identify(profile("Анна"))).user
    await loop.redeem(person, (await loop.invite(owner, client.id, order.id)).token)
    await loop.answer_consent(person, org_id, Purpose.TRANSACTIONAL, True)
    if stop:
        await loop.opt_out(org_id, client.id, Channel.TELEGRAM)
    return person


async def test_the_question_waits_for_the_payment_in_full_and_is_scheduled_once(w):
    owner = await _org(w, sms=False, smtp=False)
    _, order = await _book(w, owner)  # 2 500 ₽
    await _done(w, owner, order)
    assert await _jobs(w, RATING_JOB) == []  # done, not paid: nothing yet
    loop = w.services.orders
    await loop.act(owner, order.id, OrderAction.PAY, amount_minor=100000, method="cash")
    assert await _jobs(w, RATING_JOB) == []  # paid in part
    await loop.act(owner, order.id, OrderAction.PAY, amount_minor=150000, method="card")
    (job,) = await _jobs(w, RATING_JOB)
    assert job.run_at == NOON and job.dedup_key == f"rating:{order.id}"
    assert await w.run_jobs() == 1  # it reads the delay: the question waits 120 minutes
    (later,) = [j for j in await _jobs(w, RATING_JOB) if j.id != job.id]
    assert later.run_at == NOON + timedelta(minutes=120)  # the default delay
    assert later.dedup_key == f"rating:{order.id}:due"
    assert await _ratings(w) == []


async def test_without_a_price_done_asks_after_the_organizations_delay(w):
    owner = await _org(w, smtp=False)
    org_id = owner.organization.id
    settings = await w.services.client_loop.settings(owner)
    await w.services.client_loop.update_settings(owner, replace(settings, rating_delay_minutes=0))
    client = await w.services.clients.create(owner, "Пётр", "+79160000001", ADDRESS, None)
    order = await w.services.orders.create(owner, OrderDraft(client.id, address=ADDRESS))
    await _done(w, owner, order)
    (job,) = await _jobs(w, RATING_JOB)
    assert job.run_at == NOON and job.organization_id == org_id
    assert await w.run_jobs() == 2  # asked at once (no later job), by SMS
    assert len(await _jobs(w, RATING_JOB)) == 1
    (sms,) = w.sms_peer.received("+79160000001")
    assert "Оцените визит" in sms.text
    (rating,) = await _ratings(w)
    assert rating.order_id == order.id and rating.channel == "sms"


async def test_a_telegram_client_is_asked_once_whatever_the_job_runs(w):
    owner = await _org(w, sms=False, smtp=False)
    client, order = await _book(w, owner)
    await _linked(w, owner, client, order)
    await _done(w, owner, order, pay=250000)
    loop, org_id = w.services.client_loop, owner.organization.id
    asked = await loop.ask_rating(org_id, order.id, "ru", PAGE)
    assert asked is not None and asked.language == "ru"
    assert "Оцените визит" in asked.text and PAGE not in asked.text
    # Run again before the send was marked (a kill after the commit): the same question.
    again = await loop.ask_rating(org_id, order.id, "ru", PAGE)
    assert again is not None and again.message_id == asked.message_id
    await loop.mark(org_id, asked.message_id, DeliveryStatus.SENT, "77")
    assert await loop.ask_rating(org_id, order.id, "ru", PAGE) is None  # sent: never again
    (row,) = await _ratings(w)
    assert row.order_id == order.id and row.channel == "telegram" and row.stars is None


async def test_stars_once_a_low_rating_alerts_and_the_comment_follows(w):
    owner = await _org(w, sms=False, smtp=False)
    client, order = await _book(w, owner)
    person = await _linked(w, owner, client, order)
    await _done(w, owner, order, pay=250000)
    loop, org_id = w.services.client_loop, owner.organization.id
    asked = await loop.ask_rating(org_id, order.id, "ru", PAGE)
    assert asked is not None
    stranger = (await w.services.users.identify(profile("Чужой"))).user
    with pytest.raises(DomainError):  # someone else's rating: not found
        await loop.rate_in_chat(stranger, org_id, asked.rating_id, 1)
    rated = await loop.rate_in_chat(person, org_id, asked.rating_id, 2)
    assert not rated.already and rated.rating.stars == 2 and rated.rating.awaiting_comment
    second = await loop.rate_in_chat(person, org_id, asked.rating_id, 5)
    assert second.already and second.rating.stars == 2  # never rated twice
    (alert,) = await _jobs(w, ALERT_JOB)
    assert alert.payload["stage"] == "stars"
    done = await loop.rating_comment(person, "Опоздал на час")
    assert done is not None and done.comment == "Опоздал на час"
    assert await loop.rating_comment(person, "ещё текст") is None  # not a comment any more
    stages = sorted(j.payload["stage"] for j in await _jobs(w, ALERT_JOB))
    assert stages == ["comment", "stars"]
    told = await loop.rating_alert(org_id, asked.rating_id, "comment")
    assert told is not None and told.stars == 2 and told.comment == "Опоздал на час"
    assert [u.id for u in told.recipients] == [owner.user.id]
    history = [e.kind for e, _ in await w.services.orders.history(owner, order.id)]
    assert "client_rated" in history and "client_rating_comment" in history
    shown = await loop.client_ratings(owner, client.id)
    assert [(r.stars, r.comment, number) for r, number in shown] == [
        (2, "Опоздал на час", order.number)
    ]
    async with w.uow() as uow:
        by_worker = await uow.client_loop.ratings_by_worker(
            [org_id], NOON - timedelta(hours=1), NOON + timedelta(hours=1)
        )
        assert by_worker == {org_id: {owner.user.id: (2, 1)}}
        before = await uow.client_loop.ratings_by_worker(
            [org_id], NOON - timedelta(days=2), NOON - timedelta(days=1)
        )
        assert before == {}
    # The owners' digest (today so far) and the client card show it, in Russian and English.
    w.clock.advance(minutes=1)
    digest = await w.services.notifications.digest_for(owner)
    assert digest.digest.ratings_by_worker == {owner.user.id: (2, 1)}
    assert DigestMessage.from_data(digest.as_data()) == digest  # as the digest job carries it
    catalogs = Catalogs()
    russian, _ = digest_view(catalogs.get("ru"), digest)
    assert "Оценки клиентов:" in russian and "⭐2,0 (1)" in russian
    english, _ = digest_view(catalogs.get("en"), digest)
    assert "Clients' ratings:" in english and "⭐2.0 (1)" in english
    card = await w.services.clients.card(owner, client.id)
    assert card.ratings == ((order.number, 2, "Опоздал на час"),)
    text = client_text(catalogs.get("ru"), card, "RUB", "Europe/Moscow")
    assert "<b>Оценки</b>: 2,0 из 5" in text and "⭐⭐ · «Опоздал на час»" in text


async def test_a_high_rating_alerts_nobody_and_skip_closes_the_comment(w):
    owner = await _org(w, sms=False, smtp=False)
    client, order = await _book(w, owner)
    person = await _linked(w, owner, client, order)
    await _done(w, owner, order, pay=250000)
    loop, org_id = w.services.client_loop, owner.organization.id
    asked = await loop.ask_rating(org_id, order.id, "ru", PAGE)
    assert asked is not None
    await loop.rate_in_chat(person, org_id, asked.rating_id, 5)
    assert await loop.skip_comment(person, org_id, asked.rating_id)
    assert await loop.rating_comment(person, "Спасибо") is None
    assert await _jobs(w, ALERT_JOB) == []


async def test_a_client_who_stopped_is_never_asked(w):
    owner = await _org(w, sms=False, smtp=False)
    client, order = await _book(w, owner)
    await _linked(w, owner, client, order, stop=True)
    await _done(w, owner, order, pay=250000)
    assert await w.run_jobs() == 1  # the delay read: the question is queued for later
    w.clock.advance(minutes=120)
    assert await w.run_jobs() == 1
    assert await _ratings(w) == []


@pytest.mark.parametrize("language", ["ru", "en"])
async def test_an_sms_only_client_gets_the_page_link_and_rates_there(w, language):
    owner = await _org(w, language=language, smtp=False)
    client, order = await _book(w, owner)
    await _done(w, owner, order, pay=250000)
    w.clock.advance(minutes=120)
    assert await w.run_jobs() == 2  # the question's job, then its SMS
    (sms,) = w.sms_peer.received(PHONE)
    words = {"ru": "Оцените визит", "en": "Rate the visit"}[language]
    assert words in sms.text and f"{PAGE}/c/" in sms.text
    token = sms.text.split(f"{PAGE}/c/", 1)[1].split()[0]
    loop = w.services.client_loop
    assert (await loop.page_rating(token)).stars is None
    rated = await loop.rate_on_page(token, 1, "  Грязно  ")
    assert rated.rating.stars == 1 and rated.rating.comment == "Грязно"
    assert (await loop.rate_on_page(token, 5, None)).already
    (alert,) = await _jobs(w, ALERT_JOB)
    assert alert.payload["stage"] == "stars"
    # the job again (redelivered): no second question
    assert await loop.ask_rating(owner.organization.id, order.id, "ru", PAGE) is None
    assert len(w.sms_peer.received(PHONE)) == 1
    async with w.uow() as uow:
        messages = await uow.client_loop.client_messages(owner.organization.id, client.id)
    kinds = [(m.kind, m.channel) for m in messages]
    assert (MessageKind.RATING_REQUEST, Channel.SMS) in kinds


async def test_an_email_only_client_gets_an_email_without_a_calendar_file(w):
    owner = await _org(w, language="en", sms=False)
    _, order = await _book(w, owner, phone="+74951234567", email=EMAIL)
    await _done(w, owner, order, pay=250000)
    w.clock.advance(minutes=120)
    assert await w.run_jobs() == 2
    (mail,) = w.mail_peer.for_recipient(EMAIL)
    body = mail.text() or ""
    assert "Rate the visit" in body and f"{PAGE}/c/" in body
    assert mail.attachments() == []  # no .ics for a rating


@pytest.mark.parametrize("language", ["ru", "en"])
async def test_a_staff_message_reaches_an_sms_only_client_by_sms(w, language):
    """Item 9 for a client not in Telegram: "Message client" goes as a staff_message SMS,
    signed with the organization's name, on the order's history; a worker who does not
    hold the order may not write."""
    owner = await _org(w, language=language, smtp=False)
    client, order = await _book(w, owner)
    target = await w.services.client_loop.card_target(owner, order.id)
    dialogs = w.services.dialogs
    await dialogs.start(owner, 1, target.flow, target)
    sent = await dialogs.answer(owner, 1, DialogInput(text="Мастер будет в 10:00"))
    assert isinstance(sent, ClientMessaged) and sent.channel == "sms" and sent.chat_id == 0
    assert await w.run_jobs() == 1
    (sms,) = w.sms_peer.received(PHONE)
    assert sms.text.startswith(owner.organization.name) and "Мастер будет в 10:00" in sms.text
    async with w.uow() as uow:
        messages = await uow.client_loop.client_messages(owner.organization.id, client.id)
    assert [(m.kind, m.channel) for m in messages] == [(MessageKind.STAFF_MESSAGE, Channel.SMS)]
    history = [e.kind for e, _ in await w.services.orders.history(owner, order.id)]
    assert "staff_wrote" in history
    await dialogs.start(owner, 1, target.flow, target)  # begun before the client's STOP
    await w.services.client_loop.opt_out(owner.organization.id, client.id, Channel.SMS)
    with pytest.raises(DomainError) as early:  # a new one is refused at the button
        await w.services.client_loop.card_target(owner, order.id)
    assert early.value.code == "client_unreachable"
    with pytest.raises(DomainError) as refused:  # the handler answers it in their language
        await dialogs.answer(owner, 1, DialogInput(text="ещё"))
    assert refused.value.code == "client_unreachable" and await w.run_jobs() == 0
