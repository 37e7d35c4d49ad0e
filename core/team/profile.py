"""A person corrects their own profile (privacy policy section 6, correction; issue 25 item 6;
docs/data-rights.md): their name (kept from then on instead of Telegram's), their phone
(checked with the phone parser, stored in E.164; "-" removes it) and their language
(/language, /settings). Each correction is on the audit log as `account.corrected` with the
field and the old and new values, masked where they are personal (`masked`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from core.changes import UserChange
from core.clients.restriction import masked
from core.dialogs.data import ProfileEditData
from core.dialogs.engine import DialogInput, Flow, Step
from core.dialogs.service import Spec
from core.domain import LANGUAGES, Actor, User
from core.errors import DomainError
from core.outcomes import Outcome, ProfileSaved
from core.phones import EXAMPLE as PHONE_EXAMPLE
from core.phones import looks_like_phone
from core.ports import Clock, PhoneNormalizer, UnitOfWork
from core.privacy.audit import record
from core.privacy.model import AuditAction
from core.text import clean_name

FIELDS = ("name", "phone")
NAME_MAX = 128
REMOVE = "-"  # the phone's answer that removes it


def _value(given: DialogInput, _data: ProfileEditData) -> str:
    if given.contact_phone:
        return given.contact_phone
    value = (given.text or "").strip()[:200]
    if not value:
        raise DomainError("name_empty")
    return value


PROFILE_EDIT_FLOW = Flow(ProfileEditData, (Step("value", _value),))


@dataclass(frozen=True, slots=True)
class Corrected:
    change: UserChange
    old: object
    new: object


def corrected(
    user: User, field: str, value: str, country: str, phones: PhoneNormalizer, now: datetime
) -> Corrected:
    """The change a correction makes; DomainError asks again (a bad phone, an empty name)."""
    if field == "name":
        first, _, last = clean_name(value, NAME_MAX).partition(" ")
        name = UserChange(first_name=first, last_name=last.strip() or None, name_set_at=now)
        return Corrected(name, user.display_name, " ".join(p for p in (first, last) if p))
    if field == "phone":
        if value.strip() == REMOVE:
            return Corrected(UserChange(phone=None), user.phone, None)
        phone = phones.normalize(value, country)
        if phone is None:
            code = "phone_incomplete" if looks_like_phone(value) else "phone_invalid"
            raise DomainError(code, example=PHONE_EXAMPLE)
        return Corrected(UserChange(phone=phone), user.phone, phone)
    if field == "language" and value in LANGUAGES:
        return Corrected(UserChange(language=value), user.language, value)
    raise DomainError("choose_option")


async def correct(
    uow: UnitOfWork, actor: Actor, fixed: Corrected, field: str, now: datetime
) -> User:
    """Apply a correction in the caller's transaction; audited with masked values."""
    user = await uow.users.update(actor.user.id, fixed.change)
    shown = (fixed.old, fixed.new) if field == "language" else (
        masked(field, fixed.old), masked(field, fixed.new))  # fmt: skip
    await record(
        uow, actor, AuditAction.PROFILE_CORRECTED, now, ("user", actor.user.id),
        field=field, old=shown[0], new=shown[1],
    )  # fmt: skip
    return user


class ProfileEditSpec(Spec[ProfileEditData]):
    """/settings → ✏️ Name or 📞 Phone: the new value, checked, saved and audited."""

    flow = PROFILE_EDIT_FLOW

    def __init__(self, clock: Clock, phones: PhoneNormalizer, country: str) -> None:
        self._clock = clock
        self._phones = phones
        self._country = country

    def _country_of(self, actor: Actor) -> str:
        org = actor.organization
        return org.country if org is not None and org.country else self._country

    async def enrich(
        self, uow: UnitOfWork, actor: Actor, data: ProfileEditData
    ) -> ProfileEditData:
        if data.field not in FIELDS:
            raise DomainError("choose_option")
        if data.value is not None:  # asks again when it is not a name or a phone
            now = self._clock.now()
            corrected(
                actor.user, data.field, data.value, self._country_of(actor), self._phones, now
            )
        return data

    async def complete(
        self, uow: UnitOfWork, actor: Actor, chat_id: int, data: ProfileEditData
    ) -> Outcome:
        now = self._clock.now()
        value = data.value or ""
        fixed = corrected(
            actor.user, data.field, value, self._country_of(actor), self._phones, now
        )
        user = await correct(uow, actor, fixed, data.field, now)
        return ProfileSaved(data.field, user.display_name, user.phone)
