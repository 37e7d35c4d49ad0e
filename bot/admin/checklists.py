"""`GET/PUT /api/checklists/{category_id}` (issue 20, item 7; docs/checklists.md): a
category's checklist, managed by owners and managers. Orders keep the copy they took."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter
from pydantic import BaseModel, Field

from bot.admin.api import ERRORS, CallerDep
from bot.admin.auth_first import CredentialsFirst
from bot.admin.context import ServicesDep
from core.checklists.model import ItemKind, NewItem

router = APIRouter(prefix="/api", responses=ERRORS, tags=["admin"], route_class=CredentialsFirst)


class ChecklistItemIn(BaseModel):
    text: str = Field(min_length=1, max_length=120, examples=["Meter reading"])
    kind: Literal["tick", "number", "photo"] = "tick"
    required: bool = False
    unit: str | None = Field(default=None, max_length=12, examples=["kWh"])


class ChecklistIn(BaseModel):
    items: list[ChecklistItemIn] = Field(max_length=30)


class ChecklistOut(BaseModel):
    category_id: int
    items: list[ChecklistItemIn]


def _out(category_id: int, items: list[NewItem]) -> ChecklistOut:
    shown = [
        ChecklistItemIn(text=i.text, kind=i.kind.value, required=i.required, unit=i.unit)
        for i in items
    ]
    return ChecklistOut(category_id=category_id, items=shown)


@router.get("/checklists/{category_id}", response_model=ChecklistOut)
async def get_checklist(services: ServicesDep, who: CallerDep, category_id: int) -> ChecklistOut:
    items = await services.checklists.template(who.actor, category_id)
    return _out(category_id, list(items))


@router.put("/checklists/{category_id}", response_model=ChecklistOut)
async def put_checklist(
    services: ServicesDep, who: CallerDep, category_id: int, body: ChecklistIn
) -> ChecklistOut:
    wanted = [
        NewItem(text=i.text, kind=ItemKind(i.kind), required=i.required, unit=i.unit)
        for i in body.items
    ]
    await services.checklists.define(who.actor, category_id, wanted)
    return _out(category_id, list(await services.checklists.template(who.actor, category_id)))
