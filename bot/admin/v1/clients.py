"""/api/v1/clients: list (search, cursor pages), get, create, update, merge. Reads need
`clients:read`, changes `clients:write`; every change runs the bot's own use cases as the
key's owner (core/clients/service.py), in the request's one transaction."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, ConfigDict, Field
from starlette.responses import JSONResponse

from bot.admin.context import ServicesDep
from bot.admin.models import Id
from bot.admin.v1 import paging
from bot.admin.v1.auth import ClientsRead, ClientsWrite, via
from bot.admin.v1.companies import CompanyIn, CompanyOut, company_out, resolve_company
from bot.admin.v1.idempotency import IdempotencyKey, IfMatch, answer, check_match, once
from bot.admin.v1.problems import ON_PATCH, ON_POST, PROBLEMS, problems
from core.apikeys.model import PAGE_MAX, ClientItem
from core.apikeys.service import KeyCaller
from core.services import Services

router = APIRouter(prefix="/clients", tags=["clients"], responses=PROBLEMS)
Text = Annotated[str, Field(max_length=2000)]


class ClientOut(BaseModel):
    """A client; while processing is restricted on the client's request (`restricted`), the
    personal fields are withheld: `name`, `address`, `notes`, `email` null, `phones` empty."""

    id: int
    restricted: bool = Field(False, description="Processing restricted: personal fields withheld")
    name: str | None = Field(examples=["Пётр Сидоров"])
    phones: list[str] = Field(description="E.164, the main one first", examples=[["+79161234567"]])
    address: str | None
    notes: str | None
    email: str | None
    kind: Literal["person", "company"] = Field(description="A company has `company` details")
    company: CompanyOut | None
    created_at: datetime = Field(description="ISO 8601, UTC")
    updated_at: datetime = Field(description="ISO 8601, UTC")


class ClientPage(paging.PageMeta):
    items: list[ClientOut]


class ClientIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=200, examples=["Пётр Сидоров"])
    phone: str | None = Field(None, max_length=40, examples=["+7 916 123-45-67"])
    address: Text | None = None
    notes: Text | None = None
    email: str | None = Field(None, max_length=254, examples=["petr@example.com"])
    allow_duplicate: bool = Field(False, description="Create even if the phone is on a card")
    company: CompanyIn | None = Field(None, description="A business client's details")


class ClientPatch(BaseModel):
    """Only the fields sent change; `phone` becomes the main number (the others stay)."""

    model_config = ConfigDict(extra="forbid")
    name: str | None = Field(None, min_length=1, max_length=200)
    phone: str | None = Field(None, max_length=40)
    address: Text | None = None
    notes: Text | None = None
    email: str | None = Field(None, max_length=254)
    company: CompanyIn | None = Field(None, description="null removes the company details")


class MergeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    other_id: int = Field(ge=1, le=2**62, description="The card merged into this one")


def client_out(item: ClientItem) -> ClientOut:
    c = item.client
    kind: Literal["person", "company"] = "company" if c.company is not None else "person"
    if c.restricted:  # docs/data-rights.md: kept, not used
        return ClientOut(
            id=c.id, restricted=True, name=None, phones=[], address=None, notes=None,
            email=None, kind=kind, company=None, created_at=c.created_at,
            updated_at=item.updated_at,
        )  # fmt: skip
    return ClientOut(
        id=c.id,
        name=c.name,
        phones=list(c.phones),
        address=c.address,
        notes=c.notes,
        email=item.email,
        kind=kind,
        company=company_out(c.company),
        created_at=c.created_at,
        updated_at=item.updated_at,
    )


def _reader(services: Services, caller: KeyCaller):  # type: ignore[no-untyped-def]
    async def read(client_id: int) -> ClientOut:
        return client_out(await services.api_reads.client(caller, client_id))

    return read


@router.get("", response_model=ClientPage)
async def list_clients(
    services: ServicesDep,
    who: ClientsRead,
    q: Annotated[str | None, Query(max_length=200, description="Name or phone")] = None,
    cursor: Annotated[str | None, Query(max_length=100)] = None,
    limit: Annotated[int, Query(ge=1, le=PAGE_MAX)] = 50,
) -> ClientPage:
    kind = "s" if q else "c"
    page = await services.api_reads.clients(who, q, paging.decode(kind, cursor), limit)
    items = [client_out(item) for item in page.items]
    return ClientPage(items=items, next_cursor=paging.encode(kind, page.next_after))


@router.get("/{client_id}", response_model=ClientOut)
async def get_client(services: ServicesDep, who: ClientsRead, client_id: Id) -> JSONResponse:
    return answer(await _reader(services, who)(client_id))


# DaData failing while a company is looked up by INN (docs/dadata-party.md).
UPSTREAM = problems(503)


@router.post("", response_model=ClientOut, status_code=201, responses=ON_POST | UPSTREAM)
async def create_client(
    request: Request,
    services: ServicesDep,
    who: ClientsWrite,
    body: ClientIn,
    _key: IdempotencyKey = None,
) -> JSONResponse:
    async def make() -> int:
        company = await resolve_company(services, who, body.company)
        made = await services.clients.create(
            who.actor, body.name, body.phone, body.address, body.notes, body.allow_duplicate,
            via=via(who),
        )  # fmt: skip
        if body.email:
            await services.clients.edit(who.actor, made.id, "email", body.email, via=via(who))
        if company is not None:
            await services.companies.save(who.actor, made.id, company, via=via(who))
        return made.id

    return await once(request, services, who, body, make, _reader(services, who))


@router.patch("/{client_id}", response_model=ClientOut, responses=ON_PATCH | UPSTREAM)
async def update_client(
    request: Request,
    services: ServicesDep,
    who: ClientsWrite,
    client_id: Id,
    body: ClientPatch,
    _match: IfMatch = None,
) -> JSONResponse:
    read = _reader(services, who)
    check_match(request, await read(client_id))
    changes = body.model_dump(exclude_unset=True)
    company = await resolve_company(services, who, body.company) if "company" in changes else None
    for field, value in changes.items():
        if field == "company":
            await services.companies.save(who.actor, client_id, company, via=via(who))
        else:
            await services.clients.edit(who.actor, client_id, field, value, via=via(who))
    return answer(await read(client_id))


@router.post("/{client_id}/merge", response_model=ClientOut, responses=ON_POST)
async def merge_clients(
    request: Request,
    services: ServicesDep,
    who: ClientsWrite,
    client_id: Id,
    body: MergeIn,
    _key: IdempotencyKey = None,
) -> JSONResponse:
    """The other card's orders and phones move to this one; the other is gone."""

    async def make() -> int:
        await services.clients.merge(who.actor, client_id, body.other_id, via=via(who))
        return client_id

    return await once(request, services, who, body, make, _reader(services, who), 200)
