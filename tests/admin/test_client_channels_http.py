"""Issue 19, item 2: the organization's SMS provider and SMTP server on the settings page and
the API: validated, stored encrypted, shown without keys or passwords, removable."""

from __future__ import annotations

from sqlalchemy import text

from core.client_loop.providers import SMS_SECRET, SMTP_SECRET
from storage.db import create_engine
from tests.admin.test_admin_http import signed_in

KEY = "C0FFEE-1234-5678-SMSRU-KEY"
PASSWORD = "smtp-pass-w0rd"


async def _secrets(db_url) -> list:
    engine = create_engine(db_url)
    async with engine.connect() as connection:
        rows = (await connection.execute(text("SELECT * FROM org_secret"))).all()
    await engine.dispose()
    return rows


async def test_the_page_saves_an_sms_provider_and_an_smtp_server(client, container, db_url):
    _, csrf = await signed_in(client, container.services)
    page = (await client.get("/settings")).text
    assert 'data-testid="client-channels"' in page
    form = {"provider": "sms_ru", "key": KEY, "sender": "ChistyDom", "csrf": csrf}
    assert (await client.post("/settings/client-sms", data=form)).status_code == 303
    smtp = {
        "host": "smtp.chistota.example", "port": "587", "security": "starttls",
        "username": "office", "smtp_password": PASSWORD,
        "from_address": "office@chistota.example", "from_name": "Чистый дом", "csrf": csrf,
    }  # fmt: skip
    assert (await client.post("/settings/client-smtp", data=smtp)).status_code == 303
    page = (await client.get("/settings")).text
    assert "SMS.ru" in page and "ChistyDom" in page and "smtp.chistota.example:587" in page
    assert KEY not in page and PASSWORD not in page
    rows = await _secrets(db_url)
    names = {row.name for row in rows}
    assert {SMS_SECRET, SMTP_SECRET} <= names
    assert KEY not in repr(rows) and PASSWORD not in repr(rows)
    wrong = await client.post("/settings/client-smtp", data={**smtp, "port": "99999"})
    assert wrong.status_code == 422
    bad_from = await client.post("/settings/client-smtp", data={**smtp, "from_address": "x@"})
    assert bad_from.status_code == 422
    smsc = {"provider": "smsc", "key": "login", "password": "", "csrf": csrf}
    assert (await client.post("/settings/client-sms", data=smsc)).status_code == 422
    removed = await client.post("/settings/client-sms", data={"key": "", "csrf": csrf})
    assert removed.status_code == 303
    assert SMS_SECRET not in {row.name for row in await _secrets(db_url)}


async def test_the_api_reads_and_writes_them(client, container):
    _, csrf = await signed_in(client, container.services)
    headers = {"X-CSRF-Token": csrf}
    empty = await client.get("/api/settings/client-channels")
    assert empty.status_code == 200 and empty.json() == {"sms": None, "smtp": None}
    body = {"provider": "smsc", "key": "chisty", "password": "secret-1", "sender": ""}
    saved = await client.put("/api/settings/client-channels/sms", json=body, headers=headers)
    assert saved.status_code == 200
    assert saved.json()["sms"] == {"provider": "smsc", "key": "ch••••", "sender": None}
    assert "secret-1" not in saved.text
    smtp = {
        "host": "127.0.0.1", "port": 25, "security": "none",
        "from_address": "office@chistota.example",
    }  # fmt: skip
    put = await client.put("/api/settings/client-channels/smtp", json=smtp, headers=headers)
    assert put.status_code == 200 and put.json()["smtp"]["from_address"] == smtp["from_address"]
    half = {**smtp, "username": "office"}  # a user name without a password
    refused = await client.put("/api/settings/client-channels/smtp", json=half, headers=headers)
    assert refused.status_code == 422
    gone = await client.delete("/api/settings/client-channels/smtp", headers=headers)
    assert gone.status_code == 204
    assert (await client.get("/api/settings/client-channels")).json()["smtp"] is None
