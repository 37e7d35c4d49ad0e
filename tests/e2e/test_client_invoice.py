"""Issue 20, item 6 through the bot: after Done the invoice job renders the invoice and the
service report and sends them to the client by their channel. A Telegram client (Russian and
English) gets both PDFs as one album of documents, the message as the invoice's caption,
logged once; Done tells them twice in all (the summary with the Pay button, the album). An
e-mail client gets them attached (the local SMTP peer); an SMS client gets a link to the
order's page, which offers both PDFs to that token only (the SMS.ru peer). The PDFs' text is
read back with pypdf. The organization can turn the message off. The owner's client card
shows the client's open balance."""

from __future__ import annotations

import asyncio
import io
import re
from dataclasses import replace

import httpx
import pytest
from pypdf import PdfReader

from core.client_loop.model import DeliveryStatus, MessageKind
from core.client_loop.payments import TERMINAL_SECRET, OrgTerminal, terminal_json
from core.client_loop.providers import (
    SMS_SECRET,
    SMTP_SECRET,
    sms_json,
    sms_settings,
    smtp_json,
    smtp_settings,
)
from sandbox.peers.mail import MailPeer
from tests.e2e.privacy_scenario import document_bytes
from tests.e2e.test_client_card_email import _card
from tests.e2e.test_client_confirmation import _linked
from tests.e2e.test_client_link import _order, _team
from tests.e2e.test_client_payment import _finish, _owner
from tests.e2e.test_client_payment_elsewhere import (
    EMAIL,
    KEY,
    PASSWORD,
    PHONE,
    _order_of,
)
from tests.e2e.test_client_payment_elsewhere import crm as paying_crm
from tests.e2e.test_kill import until

crm = paying_crm  # the bot with a bank terminal and SMS.ru's peer
PAGE = re.compile(r"(https?://\S+/c/[A-Za-z0-9_-]{22})")
NUMBER = "2026-000001"
CAPTION = {
    "ru": f"счёт {NUMBER} и отчёт по заказу 1.\nК оплате: 3 500 ₽",
    "en": f"invoice {NUMBER} and the service report for order 1.\nTo pay: 3,500 RUB",
}
REPORT = {"ru": "Отчёт о выполненных работах, заказ №1", "en": "Service report, order №1"}


def _text(pdf: bytes) -> str:
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    return " ".join(text.replace("\u00a0", " ").replace("\u202f", " ").split())


def _documents(person) -> list:
    return [
        m for m in person.messages()
        if m.media == "document" and m.raw["document"]["file_name"].endswith(".pdf")
    ]  # fmt: skip


def _plain(text: str) -> str:
    return text.replace("\u00a0", " ").replace("\u202f", " ")


async def _language(crm, owner, language: str) -> None:
    org = owner.organization
    await crm.container.services.org_settings.update_profile(
        owner, name=org.name, timezone=org.timezone, currency=org.currency, language=language
    )


@pytest.mark.parametrize("language", ["ru", "en"])
async def test_a_telegram_client_gets_the_invoice_and_the_report(crm, language):
    ids = (7951, 7952, 7953) if language == "ru" else (7961, 7962, 7963)
    olga, ivan = await _team(crm, ids[:2])
    petr = await _linked(crm, olga, ivan, ids[2], language=language)
    owner = await _owner(crm, ids[0])
    await _language(crm, owner, language)
    terminal = terminal_json(OrgTerminal(KEY, PASSWORD))  # the payment link too
    await crm.container.services.org_settings.store_secret(owner, TERMINAL_SECRET, terminal)
    seen = len(petr.messages())
    await _finish(ivan)
    await until(lambda: len(_documents(petr)) >= 2, "the invoice and the report")
    await asyncio.sleep(0.3)
    # Done tells the client twice (was four times): the summary with the Pay button, and one
    # album of the invoice and the report (two documents sharing one media group)
    new = petr.messages()[seen:]
    assert len(new) == 3 and len({m.media_group_id or m.message_id for m in new}) == 2
    (summary,) = [m for m in new if m.media is None]
    assert "💳" in summary.labels[0]
    invoice, report = _documents(petr)
    assert invoice.media_group_id == report.media_group_id is not None
    assert len(crm.emulator.calls_to("sendMediaGroup")) == 1
    assert invoice.raw["document"]["file_name"] == f"invoice-{NUMBER}.pdf"
    assert report.raw["document"]["file_name"] == f"report-{NUMBER}.pdf"
    assert CAPTION[language] in _plain(invoice.raw["caption"])
    assert report.raw["caption"] == REPORT[language]
    heading = {"ru": f"Счёт № {NUMBER}", "en": f"Invoice № {NUMBER}"}[language]
    invoice_text = _text(document_bytes(crm, invoice))
    assert heading in invoice_text and "Пётр Сидоров" in invoice_text, invoice_text
    assert REPORT[language] in _text(document_bytes(crm, report))

    order = await _order_of(crm, (await _owner(crm, ids[0])).organization.id)
    async with crm.container.services.client_loop._uow() as uow:
        logged = await uow.client_loop.order_messages(order.organization_id, order.id)
    sent = [m for m in logged if m.kind is MessageKind.INVOICE]
    assert [m.status for m in sent] == [DeliveryStatus.SENT]

    # The job again (a retry after a lost lease): rendered again, not sent again.
    services = crm.container.services
    async with services.client_loop._uow() as uow:
        found = await uow.invoices.for_order(order.organization_id, order.id)
    assert found is not None
    assert await services.client_loop.invoice_draft(order.organization_id, found.id, "ru") is None


async def test_an_email_client_gets_both_pdfs_attached(crm):
    olga, ivan = await _team(crm, (7971, 7972))
    await _order(olga, ivan)
    owner = await _owner(crm, 7971)
    await _language(crm, owner, "en")
    services = crm.container.services
    order = await _order_of(crm, owner.organization.id)
    await services.clients.edit(owner, order.client_id, "email", EMAIL)
    async with MailPeer() as mail:
        server = smtp_settings("127.0.0.1", mail.port, "none", "office@chisty.example")
        await services.org_settings.store_secret(owner, SMTP_SECRET, smtp_json(server))
        await _finish(ivan)

        def invoices() -> list:
            return [m for m in mail.for_recipient(EMAIL) if "invoice" in m.subject]

        await until(lambda: len(invoices()) >= 1, "the invoice e-mail")
        (sent,) = invoices()
    assert sent.subject.endswith(f"invoice {NUMBER} and the service report for order 1.")
    pdfs = {name: data for name, kind, data in sent.attachments() if kind == "application/pdf"}
    assert set(pdfs) == {f"{NUMBER}.pdf", f"{NUMBER}-report.pdf"}
    assert f"Invoice № {NUMBER}" in _text(pdfs[f"{NUMBER}.pdf"])
    assert "Service report, order №1" in _text(pdfs[f"{NUMBER}-report.pdf"])


async def test_an_sms_client_gets_a_link_to_the_pdfs(crm):
    olga, ivan = await _team(crm, (7981, 7982))
    await _order(olga, ivan)
    owner = await _owner(crm, 7981)
    services = crm.container.services
    await services.org_settings.store_secret(
        owner, SMS_SECRET, sms_json(sms_settings("sms_ru", "sms-key"))
    )
    await _finish(ivan)

    def invoices() -> list:
        return [m for m in crm.sms.received(PHONE) if "счёт" in m.text]

    await until(lambda: len(invoices()) >= 1, "the invoice SMS")
    (sms,) = invoices()
    assert f"счёт {NUMBER} и отчёт по заказу 1" in sms.text
    assert "К оплате: 3 500 ₽" in _plain(sms.text)
    page_url = PAGE.search(sms.text).group(1)
    async with httpx.AsyncClient() as http:
        page = await http.get(page_url)
        assert page.status_code == 200 and 'data-testid="invoice"' in page.text
        got = await http.get(f"{page_url}/invoice.pdf")
        assert got.status_code == 200 and got.headers["content-type"] == "application/pdf"
        assert f"Счёт № {NUMBER}" in _text(got.content)
        report = await http.get(f"{page_url}/report.pdf")
        assert "Отчёт о выполненных работах, заказ №1" in _text(report.content)
        base = page_url.split("/c/")[0]
        for wrong in (f"{base}/c/{'A' * 22}/invoice.pdf", f"{page_url}/other.pdf"):
            assert (await http.get(wrong)).status_code == 404, wrong

        # The organization stops sending invoices: the page and the PDFs close too.
        loop = services.client_loop
        settings = await loop.settings(owner)
        await loop.update_settings(
            owner, replace(settings, disabled=settings.disabled | {MessageKind.INVOICE})
        )
        assert 'data-testid="invoice"' not in (await http.get(page_url)).text
        assert (await http.get(f"{page_url}/invoice.pdf")).status_code == 404

    # The owner's client card shows what is left to pay on the client's invoices.
    card = await _card(olga)
    assert "💰 Не оплачено по счетам: 3 500 ₽" in _plain(card.text), card.text
