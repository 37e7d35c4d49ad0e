"""Issue 19, item 7: the work's photos for clients who are not in Telegram. With the
organization sending photos, the worker's photo of the order reaches an SMS-only client as a
link in the done SMS to the client page, which shows it (each photo served only under a page
token of that order), and an e-mail-only client as an attachment of the done e-mail (with
the same link). Through the bot's own job runners, the SMS.ru peer and the SMTP peer."""

from __future__ import annotations

import re
from dataclasses import replace

import httpx

from core.client_loop.done_photos import MAIL_BYTES
from core.client_loop.providers import (
    SMS_SECRET,
    SMTP_SECRET,
    sms_json,
    sms_settings,
    smtp_json,
    smtp_settings,
)
from sandbox.peers.mail import MailPeer
from tests.e2e.test_client_link import _order, _team
from tests.e2e.test_client_payment import _owner
from tests.e2e.test_client_payment_elsewhere import (
    EMAIL,
    PHONE,
    _order_of,
)
from tests.e2e.test_client_payment_elsewhere import crm as paying_crm
from tests.e2e.test_files import png
from tests.e2e.test_kill import until

crm = paying_crm  # the bot with a bank terminal and SMS.ru's peer
PAGE = re.compile(r"(https?://\S+/c/[A-Za-z0-9_-]{22})")


async def _photos_on(crm, owner) -> None:
    loop = crm.container.services.client_loop
    settings = await loop.settings(owner)
    await loop.update_settings(owner, replace(settings, send_photos=True))


async def _finish_with_photo(ivan, data: bytes) -> None:
    await ivan.send("/order 1")
    card = await ivan.reply()
    await ivan.tap("▶️ Start", message=card)
    await ivan.tap("▶️ Yes, start now", message=await ivan.reply())
    card = await ivan.wait_edit(card.message_id)
    await ivan.send_photo(data, caption="after")
    await ivan.reply()  # "1 photo saved"
    await ivan.tap("✅ Done", message=card)


async def test_an_sms_client_gets_a_link_to_the_page_showing_the_photos(crm):
    olga, ivan = await _team(crm, (7531, 7532))
    await _order(olga, ivan)
    owner = await _owner(crm, 7531)
    services = crm.container.services
    await services.org_settings.store_secret(
        owner, SMS_SECRET, sms_json(sms_settings("sms_ru", "sms-key"))
    )
    await _photos_on(crm, owner)
    photo = png(5)
    await _finish_with_photo(ivan, photo)
    await until(lambda: len(crm.sms.received(PHONE)) >= 1, "the done SMS")
    (done,) = crm.sms.received(PHONE)
    assert "работа выполнена" in done.text and "Фото работы: " in done.text
    page_url = PAGE.search(done.text).group(1)
    async with httpx.AsyncClient() as http:
        page = await http.get(page_url)
        assert page.status_code == 200, page.text
        assert 'data-testid="work-photos"' in page.text
        (src,) = re.findall(r'<img src="([^"]+)"', page.text)
        base = page_url.split("/c/")[0]
        got = await http.get(base + src)
        assert got.status_code == 200 and got.content == photo
        assert got.headers["content-type"].startswith("image/png")
        photo_id = int(src.rsplit("/", 1)[1])
        token = page_url.rsplit("/", 1)[1]
        for wrong in (  # another file id, a forged token: nothing
            f"{base}/c/{token}/photo/{photo_id + 1}",
            f"{base}/c/{'A' * 22}/photo/{photo_id}",
        ):
            assert (await http.get(wrong)).status_code == 404, wrong

    # The organization stops sending photos: the page and the photo close to that token too.
    loop = services.client_loop
    settings = await loop.settings(owner)
    await loop.update_settings(owner, replace(settings, send_photos=False))
    async with httpx.AsyncClient() as http:
        assert 'data-testid="work-photos"' not in (await http.get(page_url)).text
        assert (await http.get(base + src)).status_code == 404


async def test_an_email_client_gets_the_photos_attached(crm):
    olga, ivan = await _team(crm, (7541, 7542))
    await _order(olga, ivan)
    owner = await _owner(crm, 7541)
    services = crm.container.services
    org = owner.organization
    await services.org_settings.update_profile(
        owner, name=org.name, timezone=org.timezone, currency=org.currency, language="en"
    )
    order = await _order_of(crm, org.id)
    await services.clients.edit(owner, order.client_id, "email", EMAIL)
    await _photos_on(crm, owner)
    photo = png(6)
    async with MailPeer() as mail:
        server = smtp_settings("127.0.0.1", mail.port, "none", "office@chisty.example")
        await services.org_settings.store_secret(owner, SMTP_SECRET, smtp_json(server))
        await _finish_with_photo(ivan, photo)
        await until(lambda: len(mail.for_recipient(EMAIL)) >= 1, "the done e-mail")
        (done,) = mail.for_recipient(EMAIL)
    text = done.text() or ""
    assert "the work is done" in text and "Photos of the work: " in text
    photos = [a for a in done.attachments() if a[1].startswith("image/")]
    assert [(name.startswith("photo-"), kind, data) for name, kind, data in photos] == [
        (True, "image/png", photo)
    ]
    assert MAIL_BYTES == 10 * 1024 * 1024
