"""The invoice and the service report in the reader's language, as documents a renderer
draws (`core.invoices.document`; the PDF is `integrations.pdf`)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from babel.dates import format_datetime

from core.catalogue.model import quantity_label, vat_label
from core.invoices.document import Block, Document, Heading, Images, Pairs, Paragraph, Table
from core.invoices.model import InvoiceLine, vat_totals
from core.invoices.paperwork import InvoiceFacts, ReportAcceptance, ReportFacts, ReportItem
from handlers.formatting import money
from handlers.i18n import N_, Translator

ACCEPTED_BY = {
    "telegram": N_("accepted with the button in Telegram"),
    "name": N_("accepted on the client page, name typed"),
    "signature": N_("signed on the client page"),
}


def _at(t: Translator, moment: datetime, zone: str) -> str:
    return format_datetime(moment.astimezone(ZoneInfo(zone)), "d MMM y, HH:mm", locale=t.locale)


def _quantity(t: Translator, milli: int) -> str:
    text = quantity_label(milli)
    return text.replace(".", ",") if t.locale == "ru" else text


def _line_name(t: Translator, line: InvoiceLine) -> str:
    return line.name if line.name is not None else t("Price as agreed")


def _lines(t: Translator, lines: tuple[InvoiceLine, ...], currency: str) -> list[Block]:
    header = (
        "№",
        t("Item"),
        t("Qty"),
        t("Price"),
        t("Discount"),
        t("VAT rate"),
        t("VAT amount"),
        t("Amount"),
    )
    rows = tuple(
        (
            str(i),
            _line_name(t, line),
            f"{_quantity(t, line.quantity_milli)} {line.unit}".strip(),
            money(t, line.unit_price_minor, currency),
            money(t, line.discount_minor, currency) if line.discount_minor else "",
            t("Without VAT") if line.vat_bp is None else vat_label(line.vat_bp),
            money(t, line.vat_minor, currency),
            money(t, line.total_minor, currency),
        )
        for i, line in enumerate(lines, 1)
    )
    widths = (3, 22, 7, 10, 9, 7, 9, 11)
    blocks: list[Block] = [Table(header, rows, widths, frozenset(range(2, 8)))]
    vat_rows = []
    for rate in vat_totals(lines):
        label = t("Without VAT")
        if rate.vat_bp is not None:
            label = t("VAT at {rate}", rate=vat_label(rate.vat_bp))
        amounts = t(
            "{total}, VAT included: {vat}",
            total=money(t, rate.total_minor, currency),
            vat=money(t, rate.vat_minor, currency),
        )
        vat_rows.append((label, amounts))
    blocks.append(Pairs(tuple(vat_rows)))
    total = sum(line.total_minor for line in lines)
    blocks.append(Paragraph(t("Total: {amount}", amount=money(t, total, currency)), bold=True))
    return blocks


def _buyer(t: Translator, facts: InvoiceFacts) -> list[tuple[str, str]]:
    """A company client is billed as the company: its legal name, INN/KPP and legal address
    (docs/dadata-party.md); a person by name."""
    company = facts.buyer
    if company is None:
        return [(t("Client"), facts.client_name or "-")]
    buyer = [(t("Buyer"), company.name)]
    numbers = company.inn + (f" / {company.kpp}" if company.kpp else "")
    buyer.append((t("INN/KPP") if company.kpp else t("INN"), numbers))
    if company.address:
        buyer.append((t("Legal address"), company.address))
    if facts.client_name and facts.client_name != company.name:
        buyer.append((t("Client"), facts.client_name))
    return buyer


def invoice_document(t: Translator, facts: InvoiceFacts) -> Document:
    invoice, req, currency = facts.invoice, facts.requisites, facts.currency
    seller = [(t("Seller"), req.legal_name or facts.org_name)]
    for label, value in (
        (t("INN"), req.inn),
        (t("KPP"), req.kpp),
        (t("Address"), req.address),
        (t("Bank"), req.bank_name),
        (t("BIK"), req.bik),
        (t("Account"), req.account),
        (t("Correspondent account"), req.corr_account),
    ):
        if value:
            seller.append((label, value))
    buyer = _buyer(t, facts)
    buyer.append((t("Order"), f"№{facts.order_number}"))
    if facts.address:
        buyer.append((t("Address"), facts.address))
    blocks: list[Block] = [
        Paragraph(t("Date: {date}", date=_at(t, invoice.issued_at, facts.timezone))),
        Pairs(tuple(seller)),
        Pairs(tuple(buyer)),
        *_lines(t, invoice.lines, currency),
    ]
    paid = min(facts.paid_minor, invoice.total_minor)
    if paid:
        blocks.append(Paragraph(t("Paid: {amount}", amount=money(t, paid, currency))))
        blocks.append(
            Paragraph(
                t("Left to pay: {amount}", amount=money(t, invoice.balance(paid), currency)),
                bold=True,
            )
        )
    return Document(t("Invoice № {number}", number=invoice.number), tuple(blocks), facts.org_name)


def _answer(t: Translator, item: ReportItem) -> str:
    if not item.done:
        return t("not done") + (" *" if item.required else "")
    if item.number is not None:
        number = item.number.replace(".", ",") if t.locale == "ru" else item.number
        return f"{number} {item.unit}".strip()
    return t("photo attached") if item.photo else t("done")


def _acceptance(t: Translator, acceptance: ReportAcceptance, zone: str) -> list[Block]:
    how = t(ACCEPTED_BY.get(acceptance.method, ACCEPTED_BY["telegram"]))
    rows = [(t("Accepted"), f"{_at(t, acceptance.accepted_at, zone)}, {how}")]
    if acceptance.name:
        rows.append((t("Client's name"), acceptance.name))
    blocks: list[Block] = [Heading(t("Acceptance")), Pairs(tuple(rows))]
    if acceptance.signature_png:
        blocks.append(Images((acceptance.signature_png,), t("Signature")))
    return blocks


def report_document(t: Translator, facts: ReportFacts) -> Document:
    zone = facts.timezone
    order = [(t("Order"), f"№{facts.order_number}"), (t("Client"), facts.client_name or "-")]
    if facts.address:
        order.append((t("Address"), facts.address))
    if facts.description:
        order.append((t("Work"), facts.description))
    if facts.invoice_number:
        order.append((t("Invoice"), facts.invoice_number))
    times = []
    for label, moment in (
        (t("Scheduled"), facts.scheduled_at),
        (t("On my way"), facts.on_way_at),
        (t("Started"), facts.started_at),
        (t("Finished"), facts.done_at),
    ):
        if moment is not None:
            times.append((label, _at(t, moment, zone)))
    if facts.started_at and facts.done_at and facts.done_at >= facts.started_at:
        minutes = int((facts.done_at - facts.started_at).total_seconds() // 60)
        hours, rest = divmod(minutes, 60)
        times.append((t("Time on site"), t("{hours} h {minutes} min", hours=hours, minutes=rest)))
    blocks: list[Block] = [Pairs(tuple(order)), Heading(t("Times")), Pairs(tuple(times))]
    if facts.checklist:
        rows = tuple((item.text, _answer(t, item)) for item in facts.checklist)
        blocks += [Heading(t("Checklist")), Table((t("Item"), t("Answer")), rows, (3, 2))]
    if facts.lines:
        blocks += [Heading(t("Work and materials")), *_lines(t, facts.lines, facts.currency)]
    if facts.photos:
        blocks += [Heading(t("Photos")), Images(facts.photos)]
    if facts.acceptance is not None:
        blocks += _acceptance(t, facts.acceptance, zone)
    title = t("Service report, order №{number}", number=facts.order_number)
    return Document(title, tuple(blocks), facts.org_name)
