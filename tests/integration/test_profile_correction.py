"""Issue 25, item 6: a person corrects their own profile (name, phone, language) from
/settings, on both databases. The name typed stays theirs (Telegram's is not written over it),
the phone is checked with the phone parser and stored in E.164 ("-" removes it), a bad one is
asked again with the reason; each correction is on the audit log with personal values masked."""

from __future__ import annotations

from core.dialogs.data import ProfileEditData
from core.dialogs.engine import DialogInput
from core.domain import TelegramProfile
from core.outcomes import ProfileSaved, Reask
from tests.support import owner_with_org, services_for


async def _corrections(uow_factory, owner):
    async with uow_factory() as uow:
        events = await uow.audit.listing(owner.organization.id, 50, 0)
    return [
        (e.data["field"], e.data["old"], e.data["new"])
        for e in reversed(events)
        if e.action == "account.corrected"
    ]


async def _correct(services, actor, field: str, text: str):
    chat = actor.user.telegram_id
    data = ProfileEditData(field=field)
    await services.dialogs.start(actor, chat, data.flow, data)
    return await services.dialogs.answer(actor, chat, DialogInput(text=text))


async def test_name_phone_and_language_are_corrected_and_audited_masked(uow_factory, clock):
    services = services_for(uow_factory, clock)
    owner = await owner_with_org(services)
    saved = await _correct(services, owner, "name", "  Анна   Петрова ")
    assert saved == ProfileSaved("name", "Анна Петрова", None)
    # Telegram's name no longer replaces the one typed.
    same = TelegramProfile(owner.user.telegram_id, "Owner", "Telegram", "owner", "ru")
    owner = await services.users.identify(same)
    assert (owner.user.first_name, owner.user.last_name) == ("Анна", "Петрова")
    assert owner.user.name_set_at == clock.now() and owner.user.username == "owner"

    incomplete = await _correct(services, owner, "phone", "+7 916 12")
    assert isinstance(incomplete, Reask) and incomplete.error.code == "phone_incomplete"
    wrong = await _correct(services, owner, "phone", "звоните мне")
    assert isinstance(wrong, Reask) and wrong.error.code == "phone_invalid"
    assert (await services.users.get(owner.user.id)).phone is None  # nothing half-written
    saved = await _correct(services, owner, "phone", "8 (916) 123-45-67")
    assert saved == ProfileSaved("phone", "Анна Петрова", "+79161234567")
    owner = await services.users.identify(same)
    assert owner.user.phone == "+79161234567"
    assert await _correct(services, owner, "phone", "-") == ProfileSaved(
        "phone", "Анна Петрова", None
    )
    owner = await services.users.identify(same)
    await services.users.set_language(owner, "en")
    owner = await services.users.identify(same)
    await services.users.set_language(owner, "en")  # the same again: nothing corrected
    assert await _corrections(uow_factory, owner) == [
        ("name", "O***", "А*** П***"),
        ("phone", None, "+791***67"),
        ("phone", "+791***67", None),
        ("language", "ru", "en"),
    ]
    assert (await services.users.get(owner.user.id)).language == "en"


async def test_an_empty_name_is_asked_again(uow_factory, clock):
    services = services_for(uow_factory, clock)
    owner = await owner_with_org(services)
    answer = await _correct(services, owner, "name", "   ")
    assert isinstance(answer, Reask) and answer.error.code == "name_empty"
    assert (await services.users.get(owner.user.id)).first_name == "Owner"
    assert await _corrections(uow_factory, owner) == []
