"""A business client's registry details as columns of the client row (migration 0044)."""

from __future__ import annotations

from typing import Any

from core.companies.model import Company, status_of
from storage.tables import ClientRow


def company_of(row: ClientRow) -> Company | None:
    if row.kind != "company" or not row.company_inn or not row.company_name:
        return None
    return Company(
        inn=row.company_inn,
        name=row.company_name,
        kpp=row.company_kpp,
        ogrn=row.company_ogrn,
        short_name=row.company_short_name,
        address=row.company_address,
        status=status_of(row.company_status),
        liquidation_date=row.company_liquidated_on,
        individual=len(row.company_inn) == 12,
        branch=row.company_branch,
        checked_at=row.company_checked_at,
    )


def company_values(company: Company | None) -> dict[str, Any]:
    """The columns to set: the details, or every one cleared (the client is a person)."""
    if company is None:
        return {"kind": "person"} | dict.fromkeys(
            (
                "company_inn", "company_kpp", "company_ogrn", "company_name",
                "company_short_name", "company_address", "company_status",
                "company_liquidated_on", "company_branch", "company_checked_at",
            )
        )  # fmt: skip
    return {
        "kind": "company",
        "company_inn": company.inn,
        "company_kpp": company.kpp,
        "company_ogrn": company.ogrn,
        "company_name": company.name,
        "company_short_name": company.short_name,
        "company_address": company.address,
        "company_status": company.status.value if company.status else None,
        "company_liquidated_on": company.liquidation_date,
        "company_branch": company.branch,
        "company_checked_at": company.checked_at,
    }
