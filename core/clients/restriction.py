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


async def set_objection(
    uow: UnitOfWork, actor: Actor, client_id: int, on: bool, now: datetime
) -> Client:
    """The client objects to automated processing (or withdraws it): their calls are neither
    transcribed nor summarised; audited; answers their objection requests."""
    require(actor, Action.CLIENT_EDIT)
    assert actor.organization is not None
    org_id = actor.organization.id
    current = await uow.clients.get(org_id, client_id)
    if current is None:
        raise DomainError("not_found")
    since = (current.objected_at or now) if on else None
    client = await uow.clients.update(org_id, client_id, now, ClientChange(objected_at=since))
    action = AuditAction.CLIENT_OBJECTED if on else AuditAction.CLIENT_OBJECTION_WITHDRAWN
    await record(uow, actor, action, now, ("client", client_id))
    if on:
        await answered(uow, org_id, client_id, "objection", now, RequestKind.OBJECTION)
    return client


async def processing(
    uow: UnitOfWork, actor: Actor, client_id: int, objection: bool | None, now: datetime
) -> Client:
    """Lift the restriction (`objection` None), or set or withdraw the objection."""
    if objection is None:
        return await set_restricted(uow, actor, client_id, None, now)
    return await set_objection(uow, actor, client_id, objection, now)


def masked(field: str, value: object) -> str | None:
    """A personal value as the audit log keeps it: enough to tell changes apart, not the
    value (a name's initials, a phone's first and last digits, an address's first letters)."""
    if value is None or value == ():
        return None
    text = ", ".join(value) if isinstance(value, tuple) else str(value)
    if field == "name":
        return " ".join(w[:1] + "***" for w in text.split())
    if field == "phone":
        return ", ".join(p[:4] + "***" + p[-2:] for p in text.split(", "))
    return text[:2] + "***"


async def audit_edit(
    uow: UnitOfWork,
    actor: Actor,
    field: str,
    old: Client,
    new: Client,
    email: tuple[str | None, str | None],
    now: datetime,
) -> None:
    """A staff correction of the card: on the audit log with the old and new values masked;
    answers the client's correction requests."""
    values = {"name": (old.name, new.name), "phone": (old.phones, new.phones),
              "address": (old.address, new.address), "notes": (old.notes, new.notes),
              "email": email}  # fmt: skip
    before, after = values.get(field, (None, None))
    await record(
        uow, actor, AuditAction.CLIENT_EDITED, now, ("client", new.id), field=field,
        old=masked(field, before), new=masked(field, after),
    )  # fmt: skip
    await answered(uow, actor.organization.id if actor.organization else 0, new.id, "edit", now,
                   RequestKind.CORRECTION)  # fmt: skip
