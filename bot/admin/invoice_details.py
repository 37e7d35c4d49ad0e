"""`GET/PUT /api/settings/invoice-details` (issue 20, item 6): the organization's details
printed on its invoices (legal name, INN, KPP, address, bank, BIK, accounts;
core/invoices/requisites.py). Owners read and change them; a wrong field is refused by name
in the reader's language and nothing is kept."""

from __future__ import annotations

from dataclasses import asdict

from fastapi import APIRouter
from pydantic import BaseModel, Field

from bot.admin.api import ERRORS, CallerDep
from bot.admin.auth_first import CredentialsFirst
from bot.admin.context import ServicesDep
from core.invoices.requisites import ADDRESS_MAX, NAME_MAX, Requisites

router = APIRouter(prefix="/api", responses=ERRORS, tags=["admin"], route_class=CredentialsFirst)


class InvoiceDetails(BaseModel):
    legal_name: str = Field("", max_length=NAME_MAX, examples=['ООО "Чистый дом"'])
    inn: str = Field("", max_length=20, examples=["7707083893"], description="10 or 12 digits")
    kpp: str = Field("", max_length=20, examples=["773601001"])
    address: str = Field("", max_length=ADDRESS_MAX)
    bank_name: str = Field("", max_length=NAME_MAX)
    bik: str = Field("", max_length=20, examples=["044525225"])
    account: str = Field("", max_length=40, examples=["40702810400000000001"])
    corr_account: str = Field("", max_length=40, examples=["30101810400000000225"])


@router.get("/settings/invoice-details", response_model=InvoiceDetails)
async def get_invoice_details(services: ServicesDep, who: CallerDep) -> InvoiceDetails:
    return InvoiceDetails(**asdict(await services.invoices.requisites(who.actor)))


@router.put("/settings/invoice-details", response_model=InvoiceDetails)
async def put_invoice_details(
    services: ServicesDep, who: CallerDep, body: InvoiceDetails
) -> InvoiceDetails:
    saved = await services.invoices.save_requisites(who.actor, Requisites(**body.model_dump()))
    return InvoiceDetails(**asdict(saved))
