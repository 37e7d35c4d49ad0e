"""The settings page's "Invoice details" form (issue 20, item 6): the organization's legal
name, INN, KPP, address, bank, BIK and accounts printed on its invoices, posted to
`/settings/invoice-details` like the page's other forms (the session's CSRF token, one unit of
work, a refusal shown on the page in the owner's language with nothing saved). The checks are
`core.invoices.requisites.check_requisites`, the same as `PUT /api/settings/invoice-details`.
Owners only (`org.settings`)."""

from __future__ import annotations

from dataclasses import fields

from starlette.datastructures import FormData

from bot.admin.html import Safe, SafeText, button, field, form, join, tag
from core.domain import Actor
from core.invoices.requisites import ADDRESS_MAX, NAME_MAX, Requisites
from core.services import Services
from handlers.i18n import N_

PATH = "/settings/invoice-details"
LABELS = {
    "legal_name": N_("Legal name"),
    "inn": N_("INN"),
    "kpp": N_("KPP"),
    "address": N_("Address"),
    "bank_name": N_("Bank"),
    "bik": N_("BIK"),
    "account": N_("Account"),
    "corr_account": N_("Correspondent account"),
}
LONG = {"legal_name": NAME_MAX, "address": ADDRESS_MAX, "bank_name": NAME_MAX}
SHORT = 40  # digits typed with spaces at most (the checks then want 9 to 20 digits)


def section(t: SafeText, csrf: str, given: Requisites) -> Safe:
    rows = [
        field(t(LABELS[f.name]), f"inv_{f.name}", getattr(given, f.name), "text",
              maxlength=LONG.get(f.name, SHORT))
        for f in fields(Requisites)
    ]  # fmt: skip
    hint = tag("p", t("Printed on the invoices sent to clients after Done."), class_="muted")
    body = form(
        PATH, csrf, *rows, button(t("Save invoice details"), "save-invoice-details"),
        testid="invoice-details",
    )  # fmt: skip
    head = tag("h2", t("Invoice details"))
    return tag("section", join([head, hint, body]), id="invoice-details")


def requisites_of(submitted: FormData) -> Requisites:
    def text(name: str) -> str:
        value = submitted.get(f"inv_{name}")
        return value if isinstance(value, str) else ""  # too long: refused by the checks

    return Requisites(**{f.name: text(f.name) for f in fields(Requisites)})


async def save(services: Services, actor: Actor, submitted: FormData) -> None:
    """The page's action (`bot.admin.pages._apply`): checked and saved in one unit of work,
    or a DomainError shown on the page naming the wrong field."""
    await services.invoices.save_requisites(actor, requisites_of(submitted))
