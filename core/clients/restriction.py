"""Restriction of processing of a client's data, on the client's request (privacy policy
section 6; docs/data-rights.md). A manager marks the card with a note of when and how it was
asked; while marked the card is kept but not used: no client messages on any channel, no
transcription or AI summary of their calls or of voice notes on their orders, the REST API
shows the record with `restricted` and without personal fields, workers do not find it.
Lifting is an explicit action. Both are on the audit log (ids only) and the card's history."""

from __future__ import annotations

from datetime import datetime

from core.changes import ClientChange
from core.clients.request_model import RequestKind
from core.clients.requests import answered
from core.domain import Actor, Client
from core.errors import DomainError
from core.permissions import Action, require
from core.ports import UnitOfWork
from core.privacy.audit import record
from core.privacy.model import AuditAction
from core.text import clean_line

NOTE_MAX = 500
RESTRICT = "restrict"  # the card's edit field whose value is the note


def restriction_note(text: str | None) -> str:
    """The note of when and how the client asked ("by phone on 3 March"); required."""
    note = clean_line(text or "")
    if not note:
        raise DomainError("restriction_note_empty")
    if len(note) > NOTE_MAX:
        raise DomainError("text_too_long", limit=NOTE_MAX, length=len(note))
    return note


async def set_restricted(
    uow: UnitOfWork, actor: Actor, client_id: int, note: str | None, now: datetime
) -> Client:
    """Restrict (a note given) or lift (None) in the caller's transaction; audited. Restricting
    a restricted card keeps its first time and replaces the note; lifting a free one refuses."""
    require(actor, Action.CLIENT_EDIT)
    assert actor.organization is not None
    org_id = actor.organization.id
    current = await uow.clients.get(org_id, client_id)
    if current is None:
        raise DomainError("not_found")
    if note is None and not current.restricted:
        raise DomainError("client_not_restricted")
    since = (current.restricted_at or now) if note is not None else None
    change = ClientChange(restricted_at=since, restriction_note=note)
    client = await uow.clients.update(org_id, client_id, now, change)
    kind = "restricted" if note is not None else "restriction_lifted"
    await uow.clients.add_event(org_id, client_id, actor.user.id, kind, {}, now)
    action = AuditAction.CLIENT_RESTRICTED if note is not None else AuditAction.CLIENT_UNRESTRICTED
    await record(uow, actor, action, now, ("client", client_id))
    if note is not None:  # answers the client's request to restrict
        await answered(uow, org_id, client_id, "restriction", now, RequestKind.RESTRICTION)
    return client
