"""Organization settings on both databases: profile, categories, preferences, the photo rule,
and integration credentials encrypted at rest, masked on the way out, used per organization."""

from __future__ import annotations

from datetime import time

import pytest
from sqlalchemy import text

from core.admin.address_suggesters import OrgAddressSuggesters
from core.admin.org_settings import OrgSettingsService
from core.errors import DomainError
from storage.db import create_engine
from storage.secrets import FernetSecretBox
from tests.admin.support import admin_services
from tests.support import owner_with_org

DADATA = "9f8e7d6c5b4a39281706f5e4d3c2b1a0dadata"


async def credential(settings: OrgSettingsService, uow_factory, org_id: int, name: str):
    """What an integration gets: the organization's own key, else the server's, else None."""
    async with uow_factory() as uow:
        return await settings.credential_in(uow, org_id, name)


async def test_profile_changes_are_checked_and_saved(services):
    owner = await owner_with_org(services)
    org = await services.org_settings.update_profile(
        owner, name=" Чистый  дом+ ", timezone="yekaterinburg", currency="eur", language="en"
    )
    assert (org.name, org.timezone, org.currency, org.language) == (
        "Чистый дом+",
        "Asia/Yekaterinburg",
        "EUR",
        "en",
    )
    for bad, code in (
        ({"timezone": "Mars/Olympus"}, "timezone_invalid"),
        ({"currency": "XXX"}, "currency_invalid"),
        ({"name": "   "}, "name_empty"),
        ({"language": "de"}, "choose_option"),
    ):
        with pytest.raises(DomainError) as refused:
            await services.org_settings.update_profile(owner, **bad)
        assert refused.value.code == code
    view = await services.org_settings.view(owner)
    assert view.organization.timezone == "Asia/Yekaterinburg"


async def test_categories_keep_order_and_hide_removed_ones(services):
    owner = await owner_with_org(services)
    before = (await services.org_settings.view(owner)).categories
    saved = await services.org_settings.set_categories(
        owner, ["Окна", "", "окна", before[0], "Химчистка ковров"]
    )
    assert saved == ["Окна", before[0], "Химчистка ковров"]
    assert (await services.org_settings.view(owner)).categories == saved
    await services.org_settings.set_categories(owner, before)
    assert (await services.org_settings.view(owner)).categories == before
    with pytest.raises(DomainError, match="categories_empty"):
        await services.org_settings.set_categories(owner, [" ", ""])


async def test_preferences_and_the_photo_rule(services):
    owner = await owner_with_org(services)
    prefs = await services.org_settings.set_preferences(
        owner, digest_time="07:45", reminder_minutes=30, notify_done=False
    )
    assert (prefs.digest_time, prefs.reminder_minutes, prefs.notify_done) == ("07:45", 30, False)
    assert (await services.org_settings.view(owner)).preferences == prefs
    with pytest.raises(DomainError, match="time_of_day_invalid"):
        await services.org_settings.set_preferences(owner, digest_time="25:00")
    with pytest.raises(DomainError, match="reminder_range"):
        await services.org_settings.set_preferences(owner, reminder_minutes=5000)
    assert await services.team.set_photos_required(owner, 2) == 2


async def test_digest_and_reminder_times_are_one_setting_with_notifications(services):
    """The page's times are the member's /notifications preferences, both ways."""
    owner = await owner_with_org(services)
    await services.org_settings.set_preferences(owner, digest_time="07:45", reminder_minutes=60)
    mine = await services.notifications.preferences(owner)
    assert (mine.digest_at, mine.reminder, mine.reminder_minutes) == (time(7, 45), True, 60)
    await services.notifications.change_preference(owner, "digest_at")  # the next preset
    await services.notifications.change_preference(owner, "reminder_min")
    shown = (await services.org_settings.view(owner)).preferences
    assert (shown.digest_time, shown.reminder_minutes) == ("18:00", 120)
    await services.org_settings.set_preferences(owner, reminder_minutes=0)
    assert not (await services.notifications.preferences(owner)).reminder
    assert (await services.org_settings.view(owner)).preferences.reminder_minutes == 0


async def test_credentials_are_encrypted_masked_and_preferred_over_the_servers(
    services, db_url, uow_factory, clock, http
):
    owner = await owner_with_org(services)
    shown = await services.org_settings.set_credential(owner, "dadata_token", f"  {DADATA} ")
    assert shown.masked == "••••data"
    engine = create_engine(db_url)
    async with engine.connect() as connection:
        rows = (await connection.execute(text("SELECT * FROM org_secret"))).all()
    await engine.dispose()
    assert len(rows) == 1 and DADATA not in repr(rows) and "data" not in rows[0].ciphertext
    view = await services.org_settings.view(owner)
    dadata = next(c for c in view.credentials if c.name == "dadata_token")
    assert dadata.masked == "••••data" and DADATA not in repr(view)
    org_id = owner.organization.id
    assert await credential(services.org_settings, uow_factory, org_id, "dadata_token") == DADATA
    server = admin_services(uow_factory, clock, None, http, dadata_api_key="server-key")
    assert await credential(server.org_settings, uow_factory, org_id, "dadata_token") == DADATA
    await services.org_settings.clear_credential(owner, "dadata_token")
    assert (
        await credential(server.org_settings, uow_factory, org_id, "dadata_token") == "server-key"
    )
    assert await credential(services.org_settings, uow_factory, org_id, "dadata_token") is None


async def test_a_credential_under_another_key_is_unreadable_not_fatal(
    services, uow_factory, clock
):
    owner = await owner_with_org(services)
    await services.org_settings.set_credential(owner, "openrouter_key", "sk-or-v1-abcdef123456")
    rotated = OrgSettingsService(
        uow_factory, clock, FernetSecretBox(FernetSecretBox.generate_key())
    )
    view = await rotated.view(owner)
    openrouter = next(c for c in view.credentials if c.name == "openrouter_key")
    assert (openrouter.masked, openrouter.readable) == ("••••", False)
    assert await credential(rotated, uow_factory, owner.organization.id, "openrouter_key") is None
    for bad, code in (
        ({"name": "aws_key", "value": "x"}, "credential_unknown"),
        ({"name": "pbx_key", "value": "two words"}, "credential_invalid"),
    ):
        with pytest.raises(DomainError) as refused:
            await services.org_settings.set_credential(owner, **bad)
        assert refused.value.code == code


async def test_address_suggestions_use_the_organizations_own_token(
    services, uow_factory, clock, http
):
    made: list[str] = []

    def make(key):
        made.append(key)
        return f"suggester for {key}"

    first = await owner_with_org(services, "Первая")
    second = await owner_with_org(services, "Вторая")
    await services.org_settings.set_credential(first, "dadata_token", DADATA)
    server = admin_services(uow_factory, clock, None, http, dadata_api_key="server-key")
    per_org = OrgAddressSuggesters(server.org_settings, make)
    assert await _for_org(uow_factory, per_org, first.organization.id) == f"suggester for {DADATA}"
    assert (
        await _for_org(uow_factory, per_org, second.organization.id) == "suggester for server-key"
    )
    assert await _for_org(uow_factory, per_org, first.organization.id) == f"suggester for {DADATA}"
    assert made == [DADATA, "server-key"]
    without = OrgAddressSuggesters(services.org_settings, make)
    assert await _for_org(uow_factory, without, second.organization.id) is None


async def _for_org(uow_factory, suggesters, org_id):
    async with uow_factory() as uow:
        return await suggesters.for_org(uow, org_id)
