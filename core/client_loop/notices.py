"""The staff's notice of what a client did on an order (moved or cancelled it), queued as a
job in the transaction of the change (sent by handlers/client_loop/reminders.py)."""

from __future__ import annotations

from datetime import datetime

from core.domain import Order
from core.ports import UnitOfWork

NOTICE_JOB = "client_answer_notice"


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


async def notify_staff(
    uow: UnitOfWork, order: Order, what: str, now: datetime, was: datetime | None = None,
    reason: str | None = None,
) -> None:  # fmt: skip
    """Queue the assignee's and the manager's notice of what the client did, in the caller's
    transaction (sent by the `client_answer_notice` job, handlers/client_loop/notices.py)."""
    payload = {
        "org": order.organization_id, "order": order.id, "what": what,
        "from": _iso(was), "to": _iso(order.scheduled_at), "reason": reason,
    }  # fmt: skip
    key = f"cnotice:{order.id}:{order.version}:{what}"
    await uow.jobs.enqueue(NOTICE_JOB, payload, now, order.organization_id, key)
