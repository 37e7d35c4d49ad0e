"""The owner's switch for each AI step of the organization (privacy policy section 6,
objection; issue 25 item 5; docs/data-rights.md): speech recognition (SaluteSpeech: voice notes
and call recordings), AI summaries (OpenRouter: voice notes and calls) and reading forwarded
requests (YandexGPT: the inbox). Each is on until an owner turns it off, in /settings or on the
admin page; while off the step is skipped, the recording or the text is kept, and the person
who expected the result is told why it is missing. Audited as `setting.changed`."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from core.changes import OrgChange
from core.domain import Actor, Organization
from core.errors import DomainError
from core.permissions import Action, require
from core.ports import UnitOfWork
from core.privacy.audit import record
from core.privacy.model import AuditAction


class AiStep(StrEnum):
    SPEECH = "speech"  # speech recognition of voice notes and call recordings
    SUMMARIES = "summaries"  # AI summaries of voice notes and calls
    INBOX = "inbox"  # reading forwarded requests into a draft order


def ai_on(org: Organization | None, step: AiStep) -> bool:
    """The step may run for the organization (an unknown one: as before, on)."""
    if org is None:
        return True
    return bool(getattr(org, f"ai_{step.value}"))


async def set_ai(uow: UnitOfWork, actor: Actor, step: str, on: bool, now: datetime) -> bool:
    """An owner turns one step on or off in the caller's transaction; audited with the old
    and new state. Setting what is already set writes nothing."""
    require(actor, Action.ORG_SETTINGS)
    assert actor.organization is not None
    try:
        kind = AiStep(step)
    except ValueError:
        raise DomainError("choose_option") from None
    org = await uow.orgs.get(actor.organization.id)
    old = ai_on(org, kind)
    if old == on:
        return on
    name = f"ai_{kind.value}"
    change = {
        AiStep.SPEECH: OrgChange(ai_speech=on),
        AiStep.SUMMARIES: OrgChange(ai_summaries=on),
        AiStep.INBOX: OrgChange(ai_inbox=on),
    }[kind]
    await uow.orgs.update(actor.organization.id, change)
    await record(uow, actor, AuditAction.SETTING_CHANGED, now, name=name, old=old, new=on)
    return on
