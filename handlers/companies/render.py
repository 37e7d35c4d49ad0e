"""How a company shows on a client card, on the check screen and as an error (ru/en)."""

from __future__ import annotations

from datetime import date

from core.companies.model import Company, CompanyStatus
from handlers.i18n import N_, Translator, escape

COMPANY_ERRORS: dict[str, str] = {
    "ogrn_invalid": N_(
        "The OGRN must be 13 digits (15 for a sole trader) with a correct check digit."
    ),
    "company_query_invalid": N_(
        "Type a company's INN (10 or 12 digits), its OGRN (13 or 15 digits) or at least three "
        "letters of its name."
    ),
    "company_name_empty": N_("The company's name is needed."),
    "company_not_found": N_(
        "DaData knows no company like that. Check the number or the name, or enter the details "
        "by hand."
    ),
    "dadata_not_configured": N_(
        "Company search needs a DaData API token (admin settings, Integrations). You can enter "
        "the details by hand."
    ),
    "dadata_refused": N_(
        "DaData refused the key (wrong, or today's free requests are used up). Try later or "
        "enter the details by hand."
    ),
    "dadata_busy": N_(
        "DaData asks to slow down. Try again in a minute or enter the details by hand."
    ),
    "dadata_unavailable": N_(
        "DaData is not answering right now. Try again later or enter the details by hand."
    ),
}
STATUS_NAMES = {
    CompanyStatus.ACTIVE: N_("operating"),
    CompanyStatus.LIQUIDATING: N_("being liquidated"),
    CompanyStatus.LIQUIDATED: N_("liquidated"),
    CompanyStatus.BANKRUPT: N_("bankrupt"),
    CompanyStatus.REORGANIZING: N_("being reorganized"),
}


def _day(t: Translator, day: date) -> str:
    return day.strftime("%d.%m.%Y") if t.locale.startswith("ru") else day.isoformat()


def warning(t: Translator, company: Company) -> str:
    """ "⚠️ Liquidated since 01.01.2022": the badge of a company one should not serve."""
    assert company.status is not None
    status = t(STATUS_NAMES[company.status])
    if company.liquidation_date is not None:
        return t("⚠️ The company is {status} ({day})", status=status,
                 day=_day(t, company.liquidation_date))  # fmt: skip
    return t("⚠️ The company is {status}", status=status)


def numbers(t: Translator, company: Company) -> str:
    """ "INN 7707083893 · KPP 773601001 · OGRN 1027700132195", what is known."""
    parts = [t("INN {inn}", inn=company.inn)]
    if company.kpp:
        parts.append(t("KPP {kpp}", kpp=company.kpp))
    if company.ogrn:
        if company.individual:
            parts.append(t("OGRNIP {ogrn}", ogrn=company.ogrn))
        else:
            parts.append(t("OGRN {ogrn}", ogrn=company.ogrn))
    return " · ".join(parts)


def company_lines(t: Translator, company: Company) -> list[str]:
    """The card's block: the name (a badge first when the company should not be served),
    the numbers, the legal address, whether a branch, the state."""
    lines = []
    if company.flagged:
        lines.append(f"<b>{warning(t, company)}</b>")
    lines.append(f"🏢 <b>{escape(company.name)}</b>")
    lines.append(numbers(t, company))
    if company.branch == "BRANCH":
        lines.append(t("Branch: {name}", name=company.label))
    if company.address:
        lines.append(t("Legal address: {address}", address=company.address))
    if company.status is not None and not company.flagged:
        lines.append(t("Status: {status}", status=t(STATUS_NAMES[company.status])))
    if company.checked_at is None:
        lines.append(t("Entered by hand, not checked with the register."))
    return lines
