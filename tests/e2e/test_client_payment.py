"""Issue 19, item 7 through the bot: the worker taps Done; a client linked in Telegram gets the
summary and the payment message in one message, its Pay button (kept when the client accepts
the work) for a link from the organization's own T-Bank terminal (the local fake); the bank's
notification reaches the admin app; the client gets a receipt, the assignee and the owner a
notice; the owner's refund (T-Bank Cancel) is told to the client. In Russian and in English,
on the bot's own job runner and a frozen clock."""

from __future__ import annotations

import asyncio
import dataclasses

import pytest

from core.client_loop.model import Channel, DeliveryStatus, MessageKind
from core.client_loop.payments import TERMINAL_SECRET, OrgTerminal, terminal_json
from core.domain import Actor, TelegramProfile
from tests.e2e.conftest import admin_settings, e2e_clock, local_bot
from tests.e2e.scenario import reason_of
from tests.e2e.test_client_confirmation import _linked, _log
from tests.e2e.test_client_link import _team
from tests.fakes.tbank_cancel import FakeTBankTerminal

KEY, PASSWORD = "OrgTerminal-e2e", "org-terminal-password"


def payment_settings(db_url: str, tmp_path, bank: FakeTBankTerminal):
    # organizations' own terminals live at this bank
    return admin_settings(db_url, tmp_path, tbank_base_url=bank.base_url)


@pytest.fixture
async def crm(db_url, tmp_path):
    async with FakeTBankTerminal(KEY, PASSWORD) as bank:
        clock = e2e_clock()
        local = local_bot(payment_settings(db_url, tmp_path, bank), clock=clock)
        local.bank = bank  # type: ignore[attr-defined]
        await local.start()
        yield local
        await local.stop()


async def _owner(crm, telegram_id: int) -> Actor:
    return await crm.container.services.users.identify(TelegramProfile(telegram_id, "x"))


async def _connect(crm, owner: Actor) -> None:
    terminal = terminal_json(OrgTerminal(KEY, PASSWORD))
    await crm.container.services.org_settings.store_secret(owner, TERMINAL_SECRET, terminal)
    await payments_only(crm, owner)


async def payments_only(crm, owner: Actor) -> None:
    """These tests follow the done summary, the payment and the receipt in the order they
    come: the invoice and report that Done also sends (a job of its own, at its own moment)
    are switched off here and followed in test_client_invoice.py."""
    loop = crm.container.services.client_loop
    settings = await loop.settings(owner)
    disabled = settings.disabled | {MessageKind.INVOICE}
    await loop.update_settings(owner, dataclasses.replace(settings, disabled=disabled))


async def _finish(ivan):
    """Ivan starts and finishes order №1 from his card."""
    await ivan.send("/order 1")
    card = await ivan.reply()
    await ivan.tap("▶️ Start", message=card)
    confirm = await ivan.reply()  # the order is tomorrow's: "start it now?"
    await ivan.tap("▶️ Yes, start now", message=confirm)
    card = await ivan.wait_edit(card.message_id)
    await ivan.tap("✅ Done", message=card)
    await ivan.wait_edit(card.message_id)
    return await ivan.reply()  # "Done! Was a payment received?"


async def _tap_paid(ivan, prompt) -> None:
    """Tapping "Record payment" of a paid order: "already paid", the button removed."""
    seen = len(ivan.messages())
    await ivan.tap("💰 Record payment", message=prompt)
    assert await ivan.callback_answer() == "This order is already paid."
    edited = await ivan.wait_edit(prompt.message_id)
    assert "Was a payment received?" in edited.text and not edited.labels
    await asyncio.sleep(0.2)
    assert len(ivan.messages()) == seen  # no amount question


def _url_button(message) -> tuple[str, str]:
    """The Pay button: the first row's only button, a link."""
    (button,) = message.raw["reply_markup"]["inline_keyboard"][0]
    return button["text"], button["url"]


@pytest.mark.parametrize("language", ["ru", "en"])
async def test_done_link_payment_receipt_and_refund_in_telegram(crm, language):
    ids = (7401, 7402, 7403) if language == "ru" else (7411, 7412, 7413)
    olga, ivan = await _team(crm, ids[:2])
    petr = await _linked(crm, olga, ivan, ids[2], language=language)
    owner = await _owner(crm, ids[0])
    await _connect(crm, owner)
    seen = len(petr.messages())

    prompt = await _finish(ivan)
    done = await petr.reply()  # one message: the summary with the Pay button (was 2)
    if language == "ru":
        assert "работа выполнена" in done.text and "3\xa0500" in done.text
        assert "\n\nЧистый дом: оплатите 3\xa0500\xa0₽ по заказу 1" in done.text
    else:
        assert "the work is done" in done.text and "3,500" in done.text
        assert "pay 3,500" in done.text and "order 1" in done.text
    (label, url), accept = _url_button(done), done.labels[1]
    bank = crm.bank
    (payment,) = bank.payments.values()
    assert url.startswith(f"{bank.url}/new/") and url in done.text and "3" in label
    assert payment.amount == 350000 and payment.init["Receipt"]["Phone"] == "+79161234567"
    for secret in ("Ольга", "Petrov", "+7 916"):
        assert secret not in done.text
    await asyncio.sleep(0.3)
    assert len(petr.messages()) == seen + 1
    await petr.tap(accept, message=done)  # accepted: the Pay button stays
    accepted = await petr.wait_edit(done.message_id)
    assert accepted.labels == [label] and accepted.text.startswith(done.text)

    olga_seen, ivan_seen = len(olga.messages()), len(ivan.messages())
    deliveries = await bank.pay(payment.payment_id)
    assert all(d.ok for d in deliveries)
    receipt = await petr.reply()
    assert ("получена" if language == "ru" else "received") in receipt.text
    paid_ivan = await ivan.reply()  # Ivan reads English
    assert "paid online" in paid_ivan.text and "№1" in paid_ivan.text
    paid_olga = await olga.reply()
    assert "оплачен онлайн" in paid_olga.text
    # The bank's replay of the notification: nothing more for anyone.
    assert (await bank.notify(payment.payment_id, "CONFIRMED")).ok
    await asyncio.sleep(0.3)
    assert len(petr.messages()) == seen + 2  # the summary with the link, the receipt
    assert (len(olga.messages()), len(ivan.messages())) == (olga_seen + 1, ivan_seen + 1)
    # "Done! Was a payment received?" still shows its button: paid online, it answers so
    # and the button goes instead of asking for an amount
    await _tap_paid(ivan, prompt)

    services = crm.container.services
    async with services.client_loop._uow() as uow:
        order = await uow.orders.by_number(owner.organization.id, 1)
    assert order is not None and order.paid_minor == 350000
    await ivan.send("/order 1")
    ivans = await ivan.reply()
    assert not any("Refund" in label for label in ivans.labels)  # a worker: no button
    ivan.forge_callback(ivans.message_id, f"rfs:{order.id}")  # nor the refund itself
    assert await ivan.callback_answer() == "Your role does not allow this."
    await olga.send("/order 1")
    card = await olga.reply()
    assert "↩️ Вернуть оплату" in card.labels
    await olga.tap("↩️ Вернуть оплату", message=card)
    how_much = await olga.reply()
    assert "Осталось: 3\xa0500\xa0₽" in how_much.text and not bank.cancels
    assert "Всё: 3\xa0500\xa0₽" in how_much.labels
    await olga.send("4000")  # more than was paid: asked again, nothing sent to the bank
    assert "больше, чем осталось" in reason_of(await olga.reply(), how_much)  # one message
    await olga.send("1000")  # a part of it
    sure = await olga.reply()
    assert "Вернуть 1\xa0000\xa0₽" in sure.text and not bank.cancels
    await olga.tap("↩️ Да, вернуть", message=sure)
    asked = await olga.reply()
    assert "Банк получил запрос на возврат 1\xa0000\xa0₽" in asked.text
    olga.forge_callback(sure.message_id, sure.buttons[0][0][1])  # a double tap: no second
    assert await olga.callback_answer()  # refund (the conversation is over)
    refunded = await petr.reply()
    if language == "ru":
        assert "1\xa0000\xa0₽ из вашей оплаты возвращены" in refunded.text
    else:
        assert "1,000" in refunded.text and "of your payment was refunded" in refunded.text
    assert "refunded" in (await ivan.reply()).text
    assert "возвращена" in (await olga.reply()).text
    (cancel,) = bank.cancels
    assert cancel["PaymentId"] == payment.payment_id and cancel["Amount"] == 100000
    async with services.client_loop._uow() as uow:
        order = await uow.orders.by_number(owner.organization.id, 1)
    assert order is not None and order.paid_minor == 250000

    async def logged() -> list[tuple[str, Channel, DeliveryStatus]]:
        return sorted((m.kind.value, m.channel, m.status) for m in await _log(crm, ids[2]))

    sent = DeliveryStatus.SENT
    expected = [
        ("done", Channel.TELEGRAM, sent), ("payment_link", Channel.TELEGRAM, sent),
        ("receipt", Channel.TELEGRAM, sent), ("receipt", Channel.TELEGRAM, sent),
    ]  # fmt: skip
    for _ in range(200):  # marked sent in the transaction after Telegram answered
        if await logged() == expected:
            break
        await asyncio.sleep(0.05)
    assert await logged() == expected


async def test_cash_recorded_on_site_sends_the_client_a_receipt(crm):
    """No terminal: the summary only; the worker records cash; the client gets a receipt."""
    olga, ivan = await _team(crm, (7421, 7422))
    petr = await _linked(crm, olga, ivan, 7423)
    await payments_only(crm, await _owner(crm, 7421))
    prompt = await _finish(ivan)
    done = await petr.reply()
    assert "работа выполнена" in done.text and done.labels == ["✅ Я принимаю работу"]
    await ivan.tap("💰 Record payment", message=prompt)
    await ivan.reply()
    await ivan.send("3500")
    methods = await ivan.reply()
    await ivan.tap(next(label for label in methods.labels if "ash" in label), message=methods)
    receipt = await petr.reply()
    assert "оплата 3\xa0500\xa0₽ получена" in receipt.text
    assert "Saved: order №1" in (await ivan.reply()).text
    await _tap_paid(ivan, prompt)  # recorded by hand: the same
    await asyncio.sleep(0.3)
    assert [m.text for m in petr.messages()][-2:] == [done.text, receipt.text]
    assert crm.bank.payments == {}


async def test_the_done_summary_carries_the_photos_when_the_organization_allows(crm):
    """send_photos on: the worker's photo of the order follows the summary; off: none."""
    from dataclasses import replace

    from tests.e2e.test_files import png

    olga, ivan = await _team(crm, (7431, 7432))
    petr = await _linked(crm, olga, ivan, 7433)
    owner = await _owner(crm, 7431)
    await payments_only(crm, owner)
    loop = crm.container.services.client_loop
    settings = await loop.settings(owner)
    await loop.update_settings(owner, replace(settings, send_photos=True))
    await ivan.send("/order 1")
    card = await ivan.reply()
    await ivan.tap("▶️ Start", message=card)
    await ivan.tap("▶️ Yes, start now", message=await ivan.reply())
    card = await ivan.wait_edit(card.message_id)
    await ivan.send_photo(png(3), caption="after")
    await ivan.reply()  # "1 photo saved"
    await ivan.tap("✅ Done", message=card)
    done = await petr.reply()
    photo = await petr.reply()
    assert "работа выполнена" in done.text and photo.media == "photo", photo.describe()
    await asyncio.sleep(0.3)
    assert petr.messages()[-1].message_id == photo.message_id
