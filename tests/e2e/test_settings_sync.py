"""Digest time: one setting, shown and changed both on the admin page and in /notifications."""

from __future__ import annotations

import pytest

from tests.admin.support import PASSWORD, TERMINAL
from tests.e2e.conftest import local_bot
from tests.e2e.scenario import create_org
from tests.e2e.test_admin import admin_link, admin_settings, sign_in
from tests.fakes.tbank import FakeTBank


@pytest.fixture
async def crm(db_url, tmp_path):
    async with FakeTBank(terminal_key=TERMINAL, password=PASSWORD) as bank:
        local = local_bot(admin_settings(db_url, tmp_path, bank))
        await local.start()
        yield local
        await local.stop()


def _digest_line(text: str) -> str:
    return next(line for line in text.splitlines() if line.startswith("📊"))


async def test_the_digest_time_is_one_setting_in_both_places(crm):
    olga = crm.emulator.user(1401, "Ольга", language_code="ru")
    await create_org(olga)
    async with sign_in(await admin_link(olga)) as (web, csrf):
        form = {"digest_time": "07:45", "reminder_minutes": "15", "photos_required": "0"}
        saved = await web.post("/settings/preferences", data={**form, "csrf": csrf})
        assert saved.status_code == 303, saved.text
        await olga.send("/notifications")
        shown = await olga.reply()
        assert "07:45" in _digest_line(shown.text), shown.text
        await olga.tap(next(lbl for lbl in shown.labels if "07:45" in lbl), message=shown)
        edited = await olga.wait_edit(shown.message_id)
        assert "18:00" in _digest_line(edited.text), edited.text
        page = (await web.get("/settings")).text
        assert 'name="digest_time" id="digest_time" value="18:00"' in page
