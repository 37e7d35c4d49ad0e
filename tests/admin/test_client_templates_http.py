"""Issue 19, item 10: the "Client messages" page. An owner saves a text and the SMS job sends
it (the real SMS.ru adapter against the local peer); invalid texts are refused with the
localized problem next to the field, the typed text kept and nothing saved; the preview
renders a sample order and counts SMS segments; reset; the client-loop settings; managers
read only; CSRF; Russian and English."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import text

from core.client_loop.model import Channel, MessageKind
from core.client_loop.providers import (
    SMS_SECRET,
    SMTP_SECRET,
    sms_json,
    sms_settings,
    smtp_json,
    smtp_settings,
)
from core.domain import Role
from storage.db import create_engine
from tests.admin.test_admin_http import signed_in
from tests.integration.test_client_delivery import EMAIL, PHONE, _book, _confirm, open_world
from tests.support import onboard, profile, profile_of

PAGE = "/settings/client-messages"
# Tuesday 3 March 2026, 12:00 in Moscow: the sample visit is tomorrow, 04.03.2026 at 10:30.
NOON = datetime(2026, 3, 3, 9, 0, tzinfo=UTC)
MINE = "{org_name}: ждём вас {date} в {time}. Адрес: {address}"


@pytest.fixture(autouse=True)
def _noon(clock):
    clock.set(NOON)


async def _rows(db_url, sql) -> list:
    engine = create_engine(db_url)
    async with engine.connect() as connection:
        rows = (await connection.execute(text(sql))).all()
    await engine.dispose()
    return rows


def _template(csrf, body, action, kind="confirmation", language="ru") -> dict:
    return {"csrf": csrf, "kind": kind, "language": language, "body": body, "action": action}


async def test_an_owner_saves_a_text_and_the_sms_job_sends_it(
    client, container, db_url, clock, tmp_path
):
    owner, csrf = await signed_in(client, container.services)
    settings_page = (await client.get("/settings")).text
    assert f'href="{PAGE}"' in settings_page
    page = await client.get(PAGE)
    assert page.status_code == 200 and "Тексты: Русский" in page.text
    assert 'data-testid="kind-staff_message"' in page.text  # every editable kind, from the list
    assert "{eta}" in page.text and "через сколько приедет мастер" in page.text
    saved = await client.post(f"{PAGE}/template", data=_template(csrf, MINE, "save"))
    assert saved.status_code == 303 and saved.headers["location"].startswith(f"{PAGE}?lang=ru")
    page = (await client.get(saved.headers["location"])).text
    assert "Сохранено" in page and "ваш текст" in page and "ждём вас {date}" in page
    (audit,) = await _rows(
        db_url, "SELECT action FROM audit_event WHERE action = 'setting.changed'"
    )
    assert audit.action == "setting.changed"
    async with open_world(db_url, clock, tmp_path) as w:
        secret = sms_json(sms_settings("sms_ru", "sms-key"))
        await w.services.org_settings.store_secret(owner, SMS_SECRET, secret)
        _, order = await _book(w, owner)
        await _confirm(w, order)
        assert await w.run_jobs() == 1
        (sms,) = w.sms_peer.received(PHONE)
    assert sms.text.startswith("Чистый дом: ждём вас 04.03.2026 в 15:30. Адрес: ул. Тихая")


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        ("{date} {tme}", "{tme} — переменная, которую это сообщение использовать не может"),
        ("Ждём вас {date}", "В тексте должна быть переменная {time}"),
        ("{date} {time", "Фигурные скобки в тексте не сходятся (символ 8)"),
        ("{date} {time} " + "я" * 1000, "Текст длиннее 1000 символов"),
        ("   ", "Текст не может быть пустым"),
    ],
)
async def test_invalid_texts_are_refused_next_to_the_field(
    client, container, db_url, body, problem
):
    _, csrf = await signed_in(client, container.services)
    for action in ("save", "preview"):
        refused = await client.post(f"{PAGE}/template", data=_template(csrf, body, action))
        assert refused.status_code == 422
        shown = re.search(r'data-testid="problem-confirmation">([^<]*)<', refused.text)
        assert shown is not None and problem in shown.group(1)
        if body.strip():
            assert body[:40] in refused.text  # what was typed is kept
        assert 'data-testid="preview"' not in refused.text
    assert await _rows(db_url, "SELECT * FROM client_template") == []
    assert await _rows(db_url, "SELECT * FROM audit_event WHERE action = 'setting.changed'") == []


async def test_the_preview_renders_a_sample_and_counts_segments(client, container, db_url):
    _, csrf = await signed_in(client, container.services)
    shown = await client.post(f"{PAGE}/template", data=_template(csrf, MINE, "preview"))
    assert shown.status_code == 200
    bubble = re.search(r'data-testid="preview-telegram"[^>]*>([^<]*)<', shown.text).group(1)
    assert bubble == "Чистый дом: ждём вас 04.03.2026 в 10:30. Адрес: ул. Ленина, д. 12, кв. 5"
    segments = re.search(r'data-testid="preview-segments">([^<]*)<', shown.text).group(1)
    assert segments == f"SMS: 2 сегмента, UCS-2, {len(bubble)} символов"
    latin = "{org_name}: see you {date} at {time}, {address}"
    english = await client.post(
        f"{PAGE}/template", data=_template(csrf, latin, "preview", language="en")
    )
    bubble = re.search(r'data-testid="preview-telegram"[^>]*>([^<]*)<', english.text).group(1)
    assert bubble == "Чистый дом: see you 04.03.2026 at 10:30, 12 Lenina St, apt 5"
    segments = re.search(r'data-testid="preview-segments">([^<]*)<', english.text).group(1)
    assert "1 сегмент, UCS-2" in segments  # the organization's Cyrillic name
    assert await _rows(db_url, "SELECT * FROM client_template") == []  # nothing saved


async def test_reset_to_default_and_english_pages(client, container, db_url):
    owner, csrf = await signed_in(client, container.services)
    await container.services.users.set_language(owner, "en")
    body = "{org_name}: on the way, {eta}."
    form = _template(csrf, body, "save", kind="on_my_way", language="en")
    assert (await client.post(f"{PAGE}/template", data=form)).status_code == 303
    page = (await client.get(f"{PAGE}?lang=en")).text
    assert "Texts in English" in page and "your text" in page and body in page
    wrong = await client.post(f"{PAGE}/template", data={**form, "body": "{org_name} soon"})
    assert wrong.status_code == 422 and "The text must contain {eta}." in wrong.text
    reset = await client.post(f"{PAGE}/template", data={**form, "action": "reset"})
    assert reset.status_code == 303
    page = (await client.get(f"{PAGE}?lang=en")).text
    assert body not in page and "is on the way, arriving in about {eta}." in page
    assert await _rows(db_url, "SELECT * FROM client_template") == []
    audits = await _rows(db_url, "SELECT data FROM audit_event WHERE action='setting.changed'")
    assert len(audits) == 2


async def test_the_settings_are_saved_and_checked(client, container, db_url):
    owner, csrf = await signed_in(client, container.services)
    form = {
        "csrf": csrf, "language": "ru", "reminder_at": "19:30", "reminder_2h": "1",
        "rating_delay_minutes": "60", "show_prices": "1", "eta_detour": "1,5",
        "eta_speed_kmh": "30", "relay_to_assignee": "1",
        **{f"send_{k.value}": "1" for k in MessageKind if k.value != "receipt"},
        **{f"{c}_{k.value}": "1" for k in MessageKind for c in ("sms", "email")},
    }  # fmt: skip
    del form["sms_on_my_way"]
    saved = await client.post(f"{PAGE}/settings", data=form)
    assert saved.status_code == 303
    got = await container.services.client_loop.settings(owner)
    assert (got.reminder_at, got.reminder_2h, got.rating_delay_minutes) == ("19:30", True, 60)
    assert got.disabled == {MessageKind.RECEIPT} and not got.quiet_hours
    assert got.relay_to_assignee and got.channels_off == {(MessageKind.ON_MY_WAY, Channel.SMS)}
    if hasattr(got, "eta_detour"):  # "on my way" (migration 0020)
        assert (got.eta_detour, got.eta_speed_kmh) == (1.5, 30)
    page = (await client.get(PAGE)).text
    assert re.search(r'data-testid="kind-receipt"><h3>[^<]*не отправляется', page)
    bad = await client.post(f"{PAGE}/settings", data={**form, "reminder_at": "25:00"})
    assert bad.status_code == 422 and "25:00" in bad.text
    far = await client.post(f"{PAGE}/settings", data={**form, "rating_delay_minutes": "x"})
    assert far.status_code == 422 and "от 0 до 10080 минут" in far.text
    if hasattr(got, "eta_detour"):
        fast = await client.post(f"{PAGE}/settings", data={**form, "eta_speed_kmh": "500"})
        assert fast.status_code == 422 and "км/ч" in fast.text
    assert (await container.services.client_loop.settings(owner)).reminder_at == "19:30"


async def test_managers_read_only_and_csrf(client, container, db_url):
    services = container.services
    owner, csrf = await signed_in(client, services)
    forged = await client.post(f"{PAGE}/template", data={**_template(csrf, MINE, "save"),
                                                         "csrf": "x"})  # fmt: skip
    assert forged.status_code == 403
    no_token = _template(csrf, MINE, "save")
    del no_token["csrf"]
    assert (await client.post(f"{PAGE}/template", data=no_token)).status_code == 403
    invite = await services.invites.create(owner, Role.MANAGER)
    manager = await onboard(services, profile("Mila"))
    await services.invites.accept(manager, invite.token)
    member = next(v for v in await services.team.team(owner) if v.user.id == manager.user.id)
    # Sign-in is for owners: an owner signs in, then is made a manager (the session stays).
    await services.team.change_role(owner, member.membership.id, Role.OWNER)
    issued = await services.admin.issue_link(await services.users.identify(profile_of(manager)))
    client.cookies.clear()
    assert (await client.post(issued.url.removeprefix("http://admin.test"))).status_code == 303
    await services.team.change_role(owner, member.membership.id, Role.MANAGER)
    page = await client.get(PAGE)
    assert page.status_code == 200 and "Менять их могут только владельцы" in page.text
    assert 'data-testid="save-confirmation"' not in page.text and "readonly" in page.text
    mine = _csrf_of(page.text)
    for action in ("save", "reset"):
        refused = await client.post(f"{PAGE}/template", data=_template(mine, MINE, action))
        assert refused.status_code == 403
    settings = {"csrf": mine, "reminder_at": "07:00", "rating_delay_minutes": "1",
                "eta_detour": "1.4", "eta_speed_kmh": "25"}  # fmt: skip
    assert (await client.post(f"{PAGE}/settings", data=settings)).status_code == 403
    preview = await client.post(f"{PAGE}/template", data=_template(mine, MINE, "preview"))
    assert preview.status_code == 200 and 'data-testid="preview"' in preview.text
    assert await _rows(db_url, "SELECT * FROM client_template") == []


def _csrf_of(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found is not None
    return found.group(1)


async def test_a_kind_turned_off_by_sms_goes_by_e_mail(client, container, clock, tmp_path, db_url):
    owner, csrf = await signed_in(client, container.services)
    form = {
        "csrf": csrf, "reminder_at": "18:00", "rating_delay_minutes": "120",
        "eta_detour": "1.4", "eta_speed_kmh": "25",
        **{f"send_{k.value}": "1" for k in MessageKind},
        **{f"{c}_{k.value}": "1" for k in MessageKind for c in ("sms", "email")},
    }  # fmt: skip
    del form["sms_confirmation"]
    assert (await client.post(f"{PAGE}/settings", data=form)).status_code == 303
    page = (await client.get(PAGE)).text
    assert 'name="sms_confirmation" value="1">' in page  # shown unticked
    assert 'name="email_confirmation" value="1" checked>' in page
    async with open_world(db_url, clock, tmp_path) as w:
        await w.services.org_settings.store_secret(
            owner, SMS_SECRET, sms_json(sms_settings("sms_ru", "sms-key"))
        )
        server = smtp_settings("127.0.0.1", w.mail_peer.port, "none", "office@chistota.example")
        await w.services.org_settings.store_secret(owner, SMTP_SECRET, smtp_json(server))
        _, order = await _book(w, owner, email=EMAIL)
        draft = await _confirm(w, order)
        assert draft.channels == (Channel.EMAIL,)  # SMS would have come first
        assert await w.run_jobs() == 1
        assert w.sms_peer.received(PHONE) == []
        (mail,) = w.mail_peer.for_recipient(EMAIL)
    assert "04.03.2026" in mail.subject
