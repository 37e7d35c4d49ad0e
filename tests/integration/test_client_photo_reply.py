"""Issue 19, item 9: a staff member's photo reply to a client who is not on Telegram.

The reply conversation ends with a photo (core `reply_photo`, as the bot's photo handler
calls it): an e-mail client gets it attached (the real delivery job, the local SMTP server)
with a link to it in the text; an SMS client gets the link (the SMS.ru fake); the link opens
that photo on the admin app for the page token's holder, and no other file of the order, no
other token. Both databases."""

from __future__ import annotations

import re

import pytest

from core.files.service import IncomingFile
from core.runtime.jobs import JobRunner
from integrations.ical import invitation_ics
from integrations.smtp import SmtpMailSender
from storage.runtime.jobs import SqlJobQueue
from tests.admin.test_client_optout_http import (
    EMAIL,
    NOON,
    PHONE,
    PUBLIC,
    _book,
    _org,
    open_world,
)
from tests.e2e.test_client_talk import PNG

CHAT = 4242
LINK = re.compile(re.escape(PUBLIC) + r"/c/[A-Za-z0-9_-]+/photo/\d+")


@pytest.fixture
async def w(db_url, clock):
    clock.set(NOON)
    async with open_world(db_url, clock) as world:
        delivery = world.services.client_loop.delivery(
            world.services.org_settings.credential_in, world.gateway, SmtpMailSender,
            invitation_ics, public_url=PUBLIC, files=world.services.files.content,
        )  # fmt: skip
        world.runner = JobRunner(
            SqlJobQueue(world.sessions), delivery.handlers(), clock, "t", retry_base=1.0
        )
        yield world


async def _photo_reply(w, owner, order, caption="Вот так будет после чистки"):
    """The owner's Reply conversation from the card, answered with a photo kept on the order."""
    services = w.services
    target = await services.client_loop.card_target(owner, order.id)
    await services.dialogs.start(owner, CHAT, target.flow, target)
    attached = await services.files.attach(
        owner, order.id, IncomingFile(PNG, "image/png", None, caption, "tg-photo-1")
    )
    sent = await services.client_loop.reply_photo(
        owner, CHAT, "tg-photo-1", caption, attached.attachment.id, "ru"
    )
    assert sent is not None and sent.chat_id == 0  # not Telegram: a job sends it
    assert await services.dialogs.current(owner, CHAT) is None  # the conversation is over
    return attached.attachment, sent


async def test_an_email_client_gets_the_photo_attached_and_linked(w):
    owner = await _org(w)
    _, order = await _book(w, owner, phone=None, email=EMAIL)
    assert await w.run_jobs() == 1  # the booking's e-mail
    photo, sent = await _photo_reply(w, owner, order)
    assert sent.channel == "email"
    assert await w.run_jobs() == 1
    mail = w.mail.for_recipient(EMAIL)[-1]
    assert "Вот так будет после чистки" in (mail.text() or "")
    files = [(name, data) for name, _, data in mail.attachments()]
    assert (f"photo-{photo.id}.png", PNG) in files
    (link,) = LINK.findall(mail.text() or "")
    shown = await w.web.get(w.local(link))
    assert shown.status_code == 200 and shown.content == PNG
    assert shown.headers["content-type"] == "image/png"
    # Another file of the same order (not sent to the client) does not open with that token.
    other = await w.services.files.attach(
        owner, order.id, IncomingFile(PNG[:-1] + b"\x00", "image/png", None, None, "tg-2")
    )
    other_link = link.rsplit("/", 1)[0] + f"/{other.attachment.id}"
    assert (await w.web.get(w.local(other_link))).status_code == 404
    forged = re.sub(r"/c/[^/]+/", "/c/AAAAAAAAAAAAAAAAAAAAAA/", link)
    assert (await w.web.get(w.local(forged))).status_code == 404
    async with w.uow() as uow:
        events = await uow.orders.events(owner.organization.id, order.id)
    (wrote,) = [e for e in events if e.kind == "staff_wrote"]
    assert wrote.data["photo"] == photo.id and wrote.data["channel"] == "email"


async def test_an_sms_client_gets_a_link_to_the_photo(w):
    owner = await _org(w, smtp=False)
    _, order = await _book(w, owner)
    assert await w.run_jobs() == 1
    _, sent = await _photo_reply(w, owner, order, caption="Фото")
    assert sent.channel == "sms"
    assert await w.run_jobs() == 1
    sms = w.sms.received(PHONE)[-1]
    (link,) = LINK.findall(sms.text)
    assert "Фото" in sms.text
    assert (await w.web.get(w.local(link))).content == PNG
