"""`GET/PUT /api/settings/recurring-days` (issue 20, item 1): how many days ahead the visits of
recurring series are made (the organization setting `recurring_days`, 30 by default;
core/recurring). Owners change it (audited); owners and managers read it."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel, Field

from bot.admin.api import ERRORS, CallerDep
from bot.admin.auth_first import CredentialsFirst
from bot.admin.context import ServicesDep
from core.recurring.model import MAX_HORIZON

router = APIRouter(prefix="/api", responses=ERRORS, tags=["admin"], route_class=CredentialsFirst)


class RecurringDays(BaseModel):
    days: int = Field(ge=1, le=MAX_HORIZON, examples=[30], description="days ahead")


@router.get("/settings/recurring-days", response_model=RecurringDays)
async def get_recurring_days(services: ServicesDep, who: CallerDep) -> RecurringDays:
    return RecurringDays(days=await services.series.horizon(who.actor))


@router.put("/settings/recurring-days", response_model=RecurringDays)
async def put_recurring_days(
    services: ServicesDep, who: CallerDep, body: RecurringDays
) -> RecurringDays:
    return RecurringDays(days=await services.series.set_horizon(who.actor, body.days))
