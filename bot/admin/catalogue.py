"""The services catalogue on the admin app (issue 20, item 3): the page `/catalogue` (list,
add, edit, archive and restore, forms with the CSRF field like the settings page) and the JSON
API `GET/POST /api/catalogue`, `PATCH /api/catalogue/{id}`. Owners and managers
(`catalogue.manage`); every request is one unit of work, a refused change is discarded."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, Field
from starlette.datastructures import FormData

from bot.admin.api import ERRORS, CallerDep
from bot.admin.auth_first import CredentialsFirst
from bot.admin.catalogue_view import catalogue_page
from bot.admin.context import RequestWork, ServicesDep, WorkDep
from bot.admin.html import Safe, notice
from bot.admin.pages import AUTH_CODES, Page, _page, _posted
from core.catalogue.model import (
    MAX_PRICE_MINOR,
    NAME_MAX,
    UNIT_MAX,
    CatalogueItem,
    ItemChange,
    ItemKind,
    NewItem,
    parse_vat,
)
from core.catalogue.parsing import parse_price
from core.changes import KEEP
from core.errors import DomainError
from handlers.errors import describe

PATH = "/catalogue"
router = APIRouter(include_in_schema=False)
api = APIRouter(prefix="/api", responses=ERRORS, tags=["admin"], route_class=CredentialsFirst)


async def _render(
    work: RequestWork, current: Page, message: Safe | None = None, status: int = 200
) -> Response:
    items = await work.services.catalogue.items(current.actor, archived=True)
    org = current.actor.organization
    assert org is not None
    html = catalogue_page(current.t, org.name, org.currency, current.csrf, items, message)
    return HTMLResponse(html, status_code=status)


@router.get(PATH)
async def catalogue(request: Request, work: WorkDep, saved: int = 0) -> Response:
    current = await _page(request, work.services)
    return await _render(work, current, notice(current.t("Saved.")) if saved else None)


def _text(submitted: FormData, name: str) -> str:
    value = submitted.get(name)
    return value if isinstance(value, str) else ""


def _item_from(submitted: FormData, language: str) -> NewItem:
    kind = _text(submitted, "kind")
    if kind not in {k.value for k in ItemKind}:
        raise DomainError("choose_option")
    return NewItem(
        kind=ItemKind(kind),
        name=_text(submitted, "name"),
        unit=_text(submitted, "unit"),
        price_minor=parse_price(_text(submitted, "price"), language),
        vat_bp=parse_vat(_text(submitted, "vat")),
    )


async def _apply(request: Request, work: RequestWork, what: str, item_id: int | None) -> Response:
    current, submitted = await _posted(request, work.services)
    services, actor = work.services, current.actor
    language = current.t.locale.split("_")[0]
    try:
        if what == "add":
            await services.catalogue.add(actor, _item_from(submitted, language))
        elif what == "edit" and item_id is not None:
            new = _item_from(submitted, language)
            change = ItemChange(
                kind=new.kind, name=new.name, unit=new.unit, price_minor=new.price_minor,
                vat_bp=new.vat_bp,
            )  # fmt: skip
            await services.catalogue.change(actor, item_id, change)
        elif item_id is not None:
            await services.catalogue.archive(actor, item_id, archived=what == "archive")
    except DomainError as error:
        if error.code in AUTH_CODES:
            raise
        await work.discard()
        message = notice(describe(current.t.translator, error), "error")
        return await _render(work, current, message, 422)
    return RedirectResponse(f"{PATH}?saved=1", status_code=303)


@router.post(f"{PATH}/add")
async def add_item(request: Request, work: WorkDep) -> Response:
    return await _apply(request, work, "add", None)


@router.post(PATH + "/{item_id}/{what}")
async def change_item(request: Request, work: WorkDep, item_id: int, what: str) -> Response:
    if what not in ("edit", "archive", "restore") or not 0 < item_id < 2**63:
        raise DomainError("not_found")
    return await _apply(request, work, what, item_id)


class ItemIn(BaseModel):
    kind: Literal["service", "material"] = "service"
    name: str = Field(min_length=1, max_length=NAME_MAX, examples=["Замена смесителя"])
    unit: str = Field(default="", max_length=UNIT_MAX, examples=["шт"])
    price_minor: int = Field(ge=0, le=MAX_PRICE_MINOR, examples=[150000])
    vat_percent: str | None = Field(
        default=None, max_length=8, examples=["20"], description="0, 5, 7, 10, 20, 22; none: -"
    )


class ItemPatch(BaseModel):
    kind: Literal["service", "material"] | None = None
    name: str | None = Field(default=None, min_length=1, max_length=NAME_MAX)
    unit: str | None = Field(default=None, max_length=UNIT_MAX)
    price_minor: int | None = Field(default=None, ge=0, le=MAX_PRICE_MINOR)
    vat_percent: str | None = Field(default=None, max_length=8, description="'-': no VAT")
    archived: bool | None = None


class ItemOut(BaseModel):
    id: int
    kind: str
    name: str
    unit: str
    price_minor: int
    vat_percent: str | None = Field(description="'20', '0'; null: no VAT")
    category_id: int | None
    archived: bool


def _out(item: CatalogueItem) -> ItemOut:
    vat = None if item.vat_bp is None else f"{item.vat_bp / 100:g}"
    return ItemOut(
        id=item.id, kind=item.kind.value, name=item.name, unit=item.unit,
        price_minor=item.price_minor, vat_percent=vat, category_id=item.category_id,
        archived=item.archived,
    )  # fmt: skip


@api.get("/catalogue", response_model=list[ItemOut])
async def list_items(
    services: ServicesDep, who: CallerDep, archived: bool = False
) -> list[ItemOut]:
    return [_out(i) for i in await services.catalogue.items(who.actor, archived=archived)]


@api.post("/catalogue", response_model=ItemOut, status_code=201)
async def post_item(services: ServicesDep, who: CallerDep, body: ItemIn) -> ItemOut:
    new = NewItem(
        kind=ItemKind(body.kind), name=body.name, unit=body.unit, price_minor=body.price_minor,
        vat_bp=parse_vat(body.vat_percent or ""),
    )  # fmt: skip
    return _out(await services.catalogue.add(who.actor, new))


@api.patch("/catalogue/{item_id}", response_model=ItemOut)
async def patch_item(
    services: ServicesDep, who: CallerDep, item_id: int, body: ItemPatch
) -> ItemOut:
    if not 0 < item_id < 2**63:
        raise DomainError("not_found")
    change = ItemChange(
        kind=ItemKind(body.kind) if body.kind is not None else KEEP,
        name=body.name if body.name is not None else KEEP,
        unit=body.unit if body.unit is not None else KEEP,
        price_minor=body.price_minor if body.price_minor is not None else KEEP,
        vat_bp=parse_vat(body.vat_percent) if body.vat_percent is not None else KEEP,
    )
    services_catalogue = services.catalogue
    item = await services_catalogue.change(who.actor, item_id, change)
    if body.archived is not None:
        item = await services_catalogue.archive(who.actor, item_id, archived=body.archived)
    return _out(item)
