"""A staff member restricts processing of their own data (privacy policy section 6; issue 25
item 4; docs/data-rights.md), from /privacy. The account and everything it made stay as they
are; while restricted the person gets no messages but the answers to what they do themselves
(their own commands and taps: not processing for other purposes) and the one confirming the
restriction, so digests, reminders, broadcasts and notices caused by others stop (the sender
drops them, also those already queued); their voice notes are kept but neither transcribed nor
summarised. Lifting is an explicit action; both are on the audit log."""

from __future__ import annotations

from datetime import datetime

from core.changes import UserChange
from core.domain import Actor, User
from core.ports import UnitOfWork
from core.privacy.audit import record
from core.privacy.model import AuditAction


async def restrict_own(uow: UnitOfWork, actor: Actor, on: bool, now: datetime) -> User:
    """Restrict (`on`) or lift, in the caller's transaction; audited. Restricting again keeps
    the first time; lifting a free account changes nothing."""
    current = actor.user
    if on == current.restricted:
        return current
    since = (current.restricted_at or now) if on else None
    user = await uow.users.update(current.id, UserChange(restricted_at=since))
    action = AuditAction.ACCOUNT_RESTRICTED if on else AuditAction.ACCOUNT_UNRESTRICTED
    await record(uow, actor, action, now, ("user", current.id))
    return user
