"""`GET/PUT /api/settings/working-hours` (issue 19, item 5): the organization's working hours,
within which clients may move a visit (core/client_loop/hours.py)."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel, Field

from bot.admin.api import ERRORS, CallerDep
from bot.admin.auth_first import CredentialsFirst
from bot.admin.context import ServicesDep
from core.client_loop.slots import WorkingHours
from core.notifications.schedule import hhmm

router = APIRouter(prefix="/api", responses=ERRORS, tags=["admin"], route_class=CredentialsFirst)


class WorkingHoursIn(BaseModel):
    start: str = Field(min_length=4, max_length=5, examples=["09:00"])
    end: str = Field(min_length=4, max_length=5, examples=["18:00"])
    days: str = Field(min_length=1, max_length=7, examples=["12345"], description="ISO weekdays")


class WorkingHoursOut(BaseModel):
    start: str
    end: str
    days: str
    other: dict[str, list[str]] | None = Field(
        default=None,
        description="Open days whose hours differ (set on the settings page): ISO weekday -> "
        "[start, end]",
        examples=[{"6": ["10:00", "15:00"]}],
    )


def _out(hours: WorkingHours) -> WorkingHoursOut:
    other = {str(d): [hhmm(a), hhmm(b)] for d, a, b in hours.other} or None
    return WorkingHoursOut(
        start=hhmm(hours.start), end=hhmm(hours.end), days=hours.day_digits, other=other
    )


@router.get(
    "/settings/working-hours", response_model=WorkingHoursOut, response_model_exclude_none=True
)
async def get_working_hours(services: ServicesDep, who: CallerDep) -> WorkingHoursOut:
    return _out(await services.client_answers.working_hours(who.actor))


@router.put(
    "/settings/working-hours", response_model=WorkingHoursOut, response_model_exclude_none=True
)
async def put_working_hours(
    services: ServicesDep, who: CallerDep, body: WorkingHoursIn
) -> WorkingHoursOut:
    hours = await services.client_answers.set_working_hours(
        who.actor, body.start, body.end, body.days
    )
    return _out(hours)
