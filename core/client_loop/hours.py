"""The organization's working hours (issue 19, item 5): the times clients may move a visit
to lie within them (`core.client_loop.slots`). Kept as the organization setting
`working_hours`; owners change them (audited as a setting change), owners and managers read
them."""

from __future__ import annotations

from collections.abc import Mapping

from core.client_loop.slots import SETTING, WorkingHours, checked_hours, checked_week
from core.domain import Actor
from core.permissions import Action, require
from core.ports import Clock, UowFactory
from core.privacy.audit import record
from core.privacy.model import AuditAction


class WorkingHoursSetup:
    _uow: UowFactory
    _clock: Clock

    async def working_hours(self, actor: Actor) -> WorkingHours:
        require(actor, Action.ORDER_VIEW_ALL)
        assert actor.organization is not None
        async with self._uow() as uow:
            stored = (await uow.org_settings.preferences(actor.organization.id)).get(SETTING)
        return WorkingHours.of(stored)

    async def set_working_hours(
        self, actor: Actor, start: str, end: str, days: str
    ) -> WorkingHours:
        """Save new working hours, the same on every open day (a DomainError names what is
        wrong with them)."""
        require(actor, Action.ORG_SETTINGS)
        return await self._save_hours(actor, checked_hours(start, end, days))

    async def set_week(
        self, actor: Actor, week: Mapping[int, tuple[str, str] | None]
    ) -> WorkingHours:
        """Save working hours given day by day (ISO weekday -> opening and closing time, or
        None: closed), as the settings page's form gives them."""
        require(actor, Action.ORG_SETTINGS)
        return await self._save_hours(actor, checked_week(week))

    async def _save_hours(self, actor: Actor, hours: WorkingHours) -> WorkingHours:
        """One unit of work: the setting and its audit row, only when something changed."""
        assert actor.organization is not None
        org_id = actor.organization.id
        async with self._uow() as uow:
            now = self._clock.now()
            stored = (await uow.org_settings.preferences(org_id)).get(SETTING)
            if WorkingHours.of(stored) != hours or stored is None:
                await uow.org_settings.set_preferences(org_id, {SETTING: hours.as_data()}, now)
                await record(
                    uow, actor, AuditAction.SETTING_CHANGED, now, None, name=SETTING,
                    fields=["start", "end", "days", "other"],
                )  # fmt: skip
                await uow.commit()
        return hours
