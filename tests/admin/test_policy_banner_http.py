"""The admin page's banner while a published version of the privacy policy waits for its
effective date (issue 25, item 2), in the reader's language; gone once it is in force."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.admin.support import admin_settings
from tests.policy_support import NEXT, SUMMARY_EN, SUMMARY_RU, versions_dir
from tests.support import owner_with_org


@pytest.fixture
async def container(db_url, bank, clock):
    from bot.container import build_container

    settings = admin_settings(
        database_url=db_url, tbank_base_url=bank.base_url, privacy_policy_dir=versions_dir()
    )
    built = build_container(settings, clock)
    yield built
    await built.close()


async def _settings_page(client, services, actor) -> str:
    path = (await services.admin.issue_link(actor)).url.removeprefix("http://admin.test")
    assert (await client.post(path)).status_code == 303
    page = await client.get("/settings")
    assert page.status_code == 200
    return page.text


async def test_the_banner_shows_the_upcoming_version_until_it_is_in_force(
    client, container, clock
):
    services = container.services
    olga = await owner_with_org(services)
    before = await _settings_page(client, services, olga)
    assert 'data-testid="policy-banner"' not in before

    await services.policy.publish(NEXT)
    ru = await _settings_page(client, services, olga)
    assert 'data-testid="policy-banner"' in ru
    assert "Политика конфиденциальности меняется 15 апреля 2026" in ru, ru
    assert "версия 2026-04" in ru and SUMMARY_RU in ru

    await services.users.set_language(olga, "en")
    en = await _settings_page(client, services, olga)
    assert "The privacy policy changes on 15 April 2026" in en and SUMMARY_EN in en, en

    clock.set(datetime(2026, 4, 15, tzinfo=UTC))
    after = await _settings_page(client, services, olga)
    assert 'data-testid="policy-banner"' not in after
