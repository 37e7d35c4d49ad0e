"""Issue 20, item 5 through the bot (docs/quotes.md): a worker is refused /quote; the owner
prepares a quote from the client's card or with /quote (a client searched by name, a typed
line, the valid-until day by button, the check screen) and sends it. A Russian client in
Telegram approves it with a free time (a double tap makes one order, a tap on Approve
afterwards is told it is answered), the author hears it; another declines after "are you
sure?" and the author hears it; a question is relayed to the staff; the reminder goes once
two days later. On the quote's page an English client approves with a time (a second answer
is 409, the author hears it in Telegram); a forged token is 404; a quote past its day shows
as expired with 410, and three days later its link is 404."""

from __future__ import annotations

import re

import httpx
import pytest
from sqlalchemy import select

from core.quotes.page import issue_page
from storage.tables_quotes import QuoteRow
from tests.e2e.scenario import next_with
from tests.e2e.test_client_confirmation import _linked, _quiet
from tests.e2e.test_client_link import _order, _team

NBSP = "\u00a0"
NONCE = re.compile(r'name="nonce" value="([^"]+)"')
AT = re.compile(r'name="at" value="(\d+)"')


@pytest.fixture
def crm(admin_crm):
    """The bot with its admin app on a free port (the client page)."""
    return admin_crm


def _now(person, message):
    """The message as the person's chat shows it now."""
    return next(m for m in person.messages() if m.message_id == message.message_id)


async def _quote(olga, line: str = "мойка окон, 2 х 1500"):
    """/quote for Пётр Сидоров with one typed line, valid for the default 14 days: the
    check screen."""
    await olga.send("/quote")
    await next_with(olga, "Новая смета")
    await olga.send("Сидоров")
    pick = await olga.reply()
    assert pick.text == "Какой это клиент?" and pick.labels == ["Пётр Сидоров · +7 916 123-45-67"]
    await olga.tap(pick.labels[0], message=pick)
    first = await olga.reply()
    assert "Смета для клиента Пётр Сидоров" in first.text
    await olga.send(line)
    more = await olga.reply()
    assert "1. мойка окон · 2 × 1" in more.text and f"Итого: 3{NBSP}000{NBSP}₽" in more.text
    await olga.tap("✅ Готово: указать срок", message=more)
    valid = await olga.reply()
    assert "До какого дня действует смета?" in valid.text and len(valid.labels) == 3
    default = next(label for label in valid.labels if label.startswith("✓ "))
    await olga.tap(default, message=valid)
    check = await olga.reply()
    assert f"Действует до: {default[2:]}" in check.text
    assert check.labels == ["📤 Отправить", "✖️ Отменить"]
    return check


async def test_a_worker_is_refused_and_the_owner_sends_a_quote(crm):
    olga, ivan = await _team(crm, (7801, 7802))
    await ivan.send("/quote")
    assert "does not allow" in (await ivan.reply()).text
    await _order(olga, ivan)  # Пётр Сидоров is a client now, not in Telegram
    check = await _quote(olga)
    await olga.tap("📤 Отправить", message=check)
    assert (await olga.reply()).text == (
        "📝 Смета №1 сохранена, но с клиентом Пётр Сидоров сейчас нельзя связаться ни в "
        "Telegram, ни по SMS, ни по почте: пожалуйста, передайте её сами."
    )
    await olga.send("/digest")
    digest = await olga.reply()
    assert "#1 (3" in digest.text


async def test_the_card_starts_a_quote_for_its_client(crm):
    olga, ivan = await _team(crm, (7811, 7812))
    await _order(olga, ivan)
    await olga.send("/client Сидоров")
    found = await olga.reply()
    await olga.tap(found.labels[0], message=found)
    card = await olga.reply()
    icons = [label.split()[0] for label in card.labels]
    assert len(icons) == len(set(icons)), card.labels  # one icon, one meaning (was 📝 twice)
    await olga.tap("📝 Смета", message=card)
    asked = await olga.reply()
    assert "Смета для клиента Пётр Сидоров" in asked.text


async def _sent_to(crm, olga, ivan, petr_id):
    """Пётр linked in Telegram (order №1 is his), then quote #1 sent to him: his message."""
    petr = await _linked(crm, olga, ivan, petr_id)
    check = await _quote(olga)
    await olga.tap("📤 Отправить", message=check)
    assert (await olga.reply()).text == "📤 Смета №1 отправлена клиенту Пётр Сидоров."
    quote = await petr.reply()
    return petr, quote


async def test_a_russian_client_approves_with_a_time_once(crm):
    olga, ivan = await _team(crm, (7821, 7822))
    petr, quote = await _sent_to(crm, olga, ivan, 7823)
    assert quote.text.startswith(f"Чистый дом: смета 1 на 3{NBSP}000{NBSP}₽, действует до ")
    assert f"1. мойка окон · 2 × 1{NBSP}500{NBSP}₽ = 3{NBSP}000{NBSP}₽" in quote.text
    assert quote.labels == ["✅ Подтвердить", "✖️ Отклонить", "❓ Задать вопрос"]
    check = await _quote(olga, "мойка окон, 2 х 1500")  # quote #2 for the same visit time
    await olga.tap("📤 Отправить", message=check)
    second = await petr.reply()
    assert second.text.startswith("Чистый дом: смета 2 на ")
    before = len(petr.messages())
    await petr.tap("✅ Подтвердить", message=quote)  # the times under the quote itself
    assert await petr.callback_answer() == "Выберите время визита:"
    times = await petr.wait_edit(quote.message_id)
    assert times.text == quote.text and len(times.labels) >= 3 and times.labels[-1] == "⬅️ Назад"
    await petr.tap("⬅️ Назад", message=times)  # changed their mind: the three buttons again
    assert (await petr.wait_edit(quote.message_id)).labels == quote.labels
    await petr.tap("✅ Подтвердить", message=quote)
    times = await petr.wait_edit(quote.message_id)
    await petr.tap("✅ Подтвердить", message=second)
    stale = await petr.wait_edit(second.message_id)  # the same times, before #1 takes one
    assert stale.labels == times.labels
    await petr.double_tap(times.labels[0], message=times)
    done = await petr.wait_edit(quote.message_id)
    assert done.text.startswith(quote.text) and done.labels == [], done.labels
    assert done.text.endswith(
        f"✅ Спасибо! Смета подтверждена: заказ №2, визит {times.labels[0]}."
    )
    assert len(petr.messages()) == before  # all of it in the quotes' own messages
    await petr.tap(stale.labels[0], message=stale)  # Ivan is busy then now
    assert (await petr.callback_answer()).startswith("Это время только что заняли.")
    fresh = await petr.wait_edit(second.message_id)
    assert fresh.text == second.text
    assert fresh.labels and stale.labels[0] not in fresh.labels
    told = await next_with(olga, "подтвердил(а) смету №1")
    assert told.text.startswith("✅ Пётр Сидоров подтвердил(а) смету №1: заказ №2, ")
    ivans = await next_with(ivan, "You have a new order: №2")  # the worker it went to
    assert ivans.text.endswith("(the client approved quote #1).")
    assert ivans.labels == ["Open №2"]
    assert _now(petr, quote).labels == []  # nothing left to tap again
    await olga.send("/order 3")  # one order was made, not two
    assert (await olga.reply()).text == "Заказа №3, доступного вам, нет."
    await olga.send("/order 2")
    card = await olga.reply()
    assert "мойка окон" in card.text and "Ivan" in card.text


async def test_a_decline_tells_the_author_and_a_question_is_relayed(crm):
    olga, ivan = await _team(crm, (7831, 7832))
    petr, quote = await _sent_to(crm, olga, ivan, 7833)
    await petr.tap("❓ Задать вопрос", message=quote)
    assert (await petr.reply()).text == "Напишите вопрос одним сообщением — мы его передадим."
    await petr.send("А можно в субботу?")
    assert (await petr.reply()).text == "✉️ Ваш вопрос передан. Ответ придёт сюда."
    relayed = await next_with(olga, "спрашивает о смете №1")
    assert relayed.text == "❓ Пётр Сидоров спрашивает о смете №1:\nА можно в субботу?"
    await olga.tap(relayed.labels[0], message=relayed)  # ↩️ Reply, as to any client message
    await olga.reply()
    await olga.send("Да, можно")
    assert (await petr.reply()).text == "Чистый дом: Да, можно"
    await petr.send("Спасибо")  # the next message is an ordinary one again
    assert (await petr.reply()).text == "✉️ Ваше сообщение передано. Ответ придёт сюда."
    await petr.tap("✖️ Отклонить", message=quote)
    assert await petr.callback_answer() == "Отказаться от сметы №1?"
    sure = await petr.wait_edit(quote.message_id)
    assert sure.text == quote.text and sure.labels == ["✖️ Да, отказаться", "⬅️ Назад"]
    await petr.tap("✖️ Да, отказаться", message=sure)
    declined = await petr.wait_edit(quote.message_id)
    assert "Вы отказались от сметы" in declined.text and declined.labels == []
    told = await next_with(olga, "отказался(ась) от сметы №1")
    assert told.text == "✖️ Пётр Сидоров отказался(ась) от сметы №1."
    await petr.send("Дороговато")  # the optional reason, asked for after declining
    assert (await petr.reply()).text == "✉️ Спасибо, мы передали вашу причину."
    why = await next_with(olga, "причину отказа")
    assert why.text == "✖️ Пётр Сидоров назвал(а) причину отказа от сметы №1:\nДороговато"
    assert _now(petr, quote).labels == []  # nothing left to tap again


async def _remind(crm, days: float) -> None:
    crm.clock.advance(seconds=int(days * 86400))
    crm.app.bot_data.background.wake()


async def test_the_reminder_goes_once_two_days_later(crm):
    olga, ivan = await _team(crm, (7841, 7842))
    petr, quote = await _sent_to(crm, olga, ivan, 7843)
    await _remind(crm, 1)
    await _quiet(petr, seconds=0.5)  # not yet
    await _remind(crm, 1.01)
    reminder = await petr.reply()
    assert reminder.text.startswith("Чистый дом: напоминаем: смета 1 на 3")
    assert reminder.labels == quote.labels
    await _remind(crm, 3)
    await _quiet(petr, seconds=0.5)  # once


async def _page_token(crm, quote_id: int = 1) -> str:
    """The quote's page token, as an SMS or e-mail to the client would carry it."""
    services = crm.container.services
    async with services.quotes._uow() as uow:
        (org_id,) = {q.organization_id for q in await _all_quotes(uow)}
        quote = await uow.quotes.get(org_id, quote_id)
        token = await issue_page(uow, quote, "Europe/Moscow", services.clock.now())
        await uow.commit()
    return token


async def _all_quotes(uow):
    rows = await uow.session.execute(select(QuoteRow))
    return [await uow.quotes.get(r.organization_id, r.id) for r in rows.scalars()]


async def test_an_english_client_approves_on_the_page(crm):
    olga, ivan = await _team(crm, (7851, 7852))
    await _order(olga, ivan)
    check = await _quote(olga)
    await olga.tap("📤 Отправить", message=check)
    await next_with(olga, "Смета №1 сохранена")  # not in Telegram, no SMS or e-mail here
    token = await _page_token(crm)
    base, en = crm.settings.public_base_url, {"Accept-Language": "en"}
    async with httpx.AsyncClient() as web:
        assert (await web.get(f"{base}/q/{'x' * 22}", headers=en)).status_code == 404
        page = await web.get(f"{base}/q/{token}", headers=en)
        assert page.status_code == 200 and "Quote No. 1" in page.text
        assert "мойка окон · 2 × " in page.text
        assert "Waiting for your answer" in page.text and "<script" not in page.text
        assert "script-src 'self'" in page.headers["content-security-policy"]
        nonce = NONCE.search(page.text).group(1)
        at = AT.search(page.text).group(1)
        approved = await web.post(
            f"{base}/q/{token}/approve", data={"nonce": nonce, "at": at}, headers=en
        )
        assert approved.status_code == 303
        shown = await web.get(f"{base}{approved.headers['location']}", headers=en)
        assert "Thank you! The quote is approved." in shown.text
        assert "Approved" in shown.text and "order No. 2" in shown.text
        assert "approve-section" not in shown.text  # answered: no forms any more
        again = await web.post(f"{base}/q/{token}/decline", data={"nonce": nonce}, headers=en)
        assert again.status_code == 409 and "Approved" in again.text
    told = await next_with(olga, "подтвердил(а) смету №1")
    assert told.text.startswith("✅ Пётр Сидоров подтвердил(а) смету №1: заказ №2, ")
    assert (await next_with(ivan, "You have a new order: №2")).labels == ["Open №2"]


async def test_a_quote_past_its_day_shows_it_with_410(crm):
    olga, ivan = await _team(crm, (7861, 7862))
    await _order(olga, ivan)
    check = await _quote(olga)
    await olga.tap("📤 Отправить", message=check)
    await next_with(olga, "Смета №1 сохранена")  # not in Telegram, no SMS or e-mail here
    token = await _page_token(crm)
    crm.clock.advance(seconds=15 * 86400)  # 14 days valid: expired now, the page still opens
    base = crm.settings.public_base_url
    async with httpx.AsyncClient() as web:
        page = await web.get(f"{base}/q/{token}", headers={"Accept-Language": "ru"})
        assert page.status_code == 410 and "Срок истёк" in page.text
        assert "approve-section" not in page.text
        crm.clock.advance(seconds=5 * 86400)  # three days after its last day: the link too
        gone = await web.get(f"{base}/q/{token}", headers={"Accept-Language": "ru"})
        assert gone.status_code == 404
