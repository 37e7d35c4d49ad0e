"""The audit log: who viewed a client card, exported, deleted, changed a role or a setting,
or signed in to the admin endpoint, and when. Owners read it with /audit and the admin API.

Services record an event inside the transaction of the action itself, so an action and its
audit entry are committed together or not at all. Entries hold ids and codes only.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from core.domain import Actor
from core.orders.listing import PAGE_SIZE
from core.permissions import Action, require
from core.ports import Clock, UnitOfWork, UowFactory
from core.privacy.model import AuditAction, AuditEvent
from core.views import Page

API_LIMIT = 500


async def record(
    uow: UnitOfWork,
    actor: Actor,
    action: AuditAction,
    now: datetime,
    subject: tuple[str, int] | None = None,
    **data: Any,
) -> None:
    """Add one audit entry in the caller's transaction."""
    org_id = actor.organization.id if actor.organization is not None else None
    kind, subject_id = subject if subject is not None else (None, None)
    await uow.audit.add(org_id, actor.user.id, action.value, kind, subject_id, data, now)


class AuditService:
    def __init__(self, uow: UowFactory, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def page(self, actor: Actor, page: int = 0) -> Page[AuditEvent]:
        """/audit: the organization's log, newest first."""
        require(actor, Action.AUDIT_VIEW)
        assert actor.organization is not None
        async with self._uow() as uow:
            total = await uow.audit.count(actor.organization.id)
            events = await uow.audit.listing(actor.organization.id, PAGE_SIZE, page * PAGE_SIZE)
        pages = max(1, -(-total // PAGE_SIZE))
        return Page(tuple(events), page, pages, total)

    async def for_api(
        self, actor: Actor, limit: int = 100, offset: int = 0
    ) -> list[dict[str, Any]]:
        """GET /api/audit: the same log as JSON-ready dicts."""
        require(actor, Action.AUDIT_VIEW)
        assert actor.organization is not None
        async with self._uow() as uow:
            events = await uow.audit.listing(
                actor.organization.id, max(1, min(limit, API_LIMIT)), max(0, offset)
            )
        return [event.as_json() for event in events]
