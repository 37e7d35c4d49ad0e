"""/api/v1/members: the team (to assign orders), for keys with `orders:read`."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from fastapi import APIRouter
from pydantic import BaseModel, Field

from bot.admin.context import ServicesDep
from bot.admin.v1.auth import OrdersRead
from bot.admin.v1.problems import PROBLEMS

router = APIRouter(prefix="/members", tags=["members"], responses=PROBLEMS)


class MemberOut(BaseModel):
    id: int = Field(description="The person's id: an order's `assignee_id`")
    name: str | None = Field(
        examples=["Иван Петров"],
        description="null while the person restricts processing of their data",
    )
    role: Literal["owner", "manager", "worker"]
    active: bool
    joined_at: datetime = Field(description="ISO 8601, UTC")
    restricted: bool = Field(
        False,
        description="The person restricted processing of their data (docs/data-rights.md): "
        "their personal fields are withheld",
    )


@router.get("", response_model=list[MemberOut])
async def list_members(services: ServicesDep, who: OrdersRead) -> list[MemberOut]:
    team = await services.api_reads.members(who)
    return [
        MemberOut(
            id=v.user.id,
            name=None if v.user.restricted else v.user.display_name,
            role=v.membership.role.value,
            active=v.membership.active,
            joined_at=v.membership.created_at,
            restricted=v.user.restricted,
        )
        for v in team
    ]
