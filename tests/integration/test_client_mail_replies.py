"""Issue 19, item 9 by e-mail: a client's answer to a client e-mail reaches the staff.

The real delivery job sends the e-mail through the local SMTP peer with `Reply-To:
reply+<token>@reply.crm.test`; the client answers with aiosmtplib to the real inbound SMTP
server (integrations/inbound_mail.py) on a local port: the answer's own text (quoting and
signature cut off) is logged on the order the e-mail was about and queued to the staff once
per Message-ID; forged, malformed and expired tokens are refused at RCPT with 550, mail over
the size limit with 552; koi8-r, windows-1251 HTML and an unknown charset are read; nothing
personal is logged. Both databases."""

from __future__ import annotations

import logging
from datetime import timedelta
from email.message import EmailMessage

import aiosmtplib
import httpx
import pytest

from core.client_loop.inbound import RELAY_JOB
from core.client_loop.mail_replies import (
    REPLY_DAYS,
    issue_reply,
    reply_address,
    reply_token,
    token_of,
)
from core.client_loop.model import Channel, Direction
from core.runtime.jobs import JobRunner
from integrations.ical import invitation_ics
from integrations.inbound_mail import InboundMailServer, strip_quoted
from integrations.smtp import SmtpMailSender
from sandbox.emulator.emulator import TelegramEmulator
from sandbox.web import build_sandbox_app
from sandbox.web.outside import OutsideApi
from storage.runtime.jobs import SqlJobQueue
from tests.admin.test_client_optout_http import (
    EMAIL,
    NOON,
    PUBLIC,
    _book,
    _log,
    _org,
    _product_log,
    open_world,
)

DOMAIN = "reply.crm.test"
ANSWER = "Да, буду дома с 12 до 14.\nДомофон 25."


@pytest.fixture
async def w(db_url, clock):
    clock.set(NOON)
    async with open_world(db_url, clock) as world:
        delivery = world.services.client_loop.delivery(
            world.services.org_settings.credential_in, world.gateway, SmtpMailSender,
            invitation_ics, public_url=PUBLIC, reply_domain=DOMAIN,
        )  # fmt: skip
        world.runner = JobRunner(
            SqlJobQueue(world.sessions), delivery.handlers(), clock, "t", retry_base=1.0
        )
        world.inbound = InboundMailServer(
            world.services.client_loop.mail_replies(DOMAIN), max_bytes=50_000
        )
        await world.inbound.start()
        try:
            yield world
        finally:
            await world.inbound.stop()


async def _mailed(w):
    """The e-mail-only client booked, the confirmation sent: (owner, client, order, Reply-To)."""
    owner = await _org(w)
    client, order = await _book(w, owner, phone=None, email=EMAIL)
    assert await w.run_jobs() == 1
    (sent,) = w.mail.for_recipient(EMAIL)
    reply_to = str(sent.message["Reply-To"])
    assert reply_to.startswith("reply+") and reply_to.endswith("@" + DOMAIN)
    return owner, client, order, reply_to


def _answer(to: str, text: str = ANSWER, message_id: str = "<a1@mail.example.org>",
            charset: str = "utf-8", subtype: str = "plain") -> EmailMessage:  # fmt: skip
    message = EmailMessage()
    message["From"] = EMAIL
    message["To"] = to
    message["Subject"] = "Re: Ваш визит"
    message["Message-ID"] = message_id
    message.set_content(text, subtype=subtype, charset=charset)
    return message


async def _send(w, message, to: str) -> None:
    await aiosmtplib.send(
        message, hostname="127.0.0.1", port=w.inbound.port, sender=EMAIL, recipients=[to],
        start_tls=False, use_tls=False, timeout=10,
    )  # fmt: skip


async def _incoming(w, owner, client):
    return [m for m in await _log(w, owner, client) if m.direction is Direction.IN]


async def _relay_jobs(w) -> list[int]:
    seen: list[int] = []

    async def relay(job) -> None:
        seen.append(int(job.payload["message"]))

    runner = JobRunner(SqlJobQueue(w.sessions), {RELAY_JOB: relay}, w.clock, "relay")
    while await runner.run_once():
        pass
    return seen


async def test_an_answer_reaches_the_staff_once_without_its_quoted_history(w, caplog):
    caplog.set_level(logging.DEBUG)
    owner, client, order, reply_to = await _mailed(w)
    quoted = (
        f"{ANSWER}\n\n-- \nАнна\n\n7 дек. 2026 г., в 12:00, Чистота <office@chistota.example> "
        "написал(а):\n> Ваш визит 4 марта в 15:30\n> ул. Тихая, 5\n"
    )
    await _send(w, _answer(reply_to, quoted), reply_to)
    await _send(w, _answer(reply_to, quoted), reply_to)  # the sender's server retried
    (incoming,) = await _incoming(w, owner, client)
    assert incoming.channel is Channel.EMAIL and incoming.body == ANSWER
    assert incoming.order_id == order.id and incoming.provider_id == "<a1@mail.example.org>"
    assert await _relay_jobs(w) == [incoming.id]
    notice = await w.services.client_loop.relay_notice(owner.organization.id, incoming.id, None)
    assert notice.text == ANSWER and notice.number == order.number
    assert [u.id for u in notice.recipients] == [owner.user.id]
    # A new message (another Message-ID) to the same address is relayed too.
    await _send(w, _answer(reply_to, "И ещё: позвоните заранее.", "<a2@mail.example.org>"),
                reply_to)  # fmt: skip
    assert len(await _incoming(w, owner, client)) == 2
    logged = _product_log(caplog)
    token = token_of(reply_to, DOMAIN)
    assert token is not None
    for secret in (EMAIL, token, "Домофон", "позвоните", "Анна"):
        assert secret not in logged


async def test_forged_malformed_and_expired_addresses_are_refused_with_550(w):
    owner, client, _, reply_to = await _mailed(w)
    token = token_of(reply_to, DOMAIN)
    assert token is not None
    forged = [
        f"reply+{'a' * 24}@{DOMAIN}",  # well formed, never issued
        f"reply+{token[:-1]}@{DOMAIN}",  # cut short
        f"reply+{token}@other.example",  # another domain
        f"office@{DOMAIN}",
        f"reply+{token}x@{DOMAIN}",
    ]
    for address in forged:
        with pytest.raises(aiosmtplib.SMTPRecipientsRefused) as refused:
            await _send(w, _answer(address), address)
        assert refused.value.recipients[0].code == 550
    # The token's case folded by a server on the way still works.
    upper = reply_to.replace(token, token.upper())
    await _send(w, _answer(upper, "ok", "<up@mail.example.org>"), upper)
    assert [m.body for m in await _incoming(w, owner, client)] == ["ok"]
    w.clock.set(NOON + timedelta(days=REPLY_DAYS + 1))
    with pytest.raises(aiosmtplib.SMTPRecipientsRefused) as expired:
        await _send(w, _answer(reply_to, "late", "<late@mail.example.org>"), reply_to)
    assert expired.value.recipients[0].code == 550
    assert len(await _incoming(w, owner, client)) == 1


async def test_oversize_mail_is_refused_and_nothing_is_kept(w):
    owner, client, _, reply_to = await _mailed(w)
    with pytest.raises(aiosmtplib.SMTPResponseException) as refused:
        await _send(w, _answer(reply_to, "x" * 80_000), reply_to)
    assert refused.value.code == 552
    assert await _incoming(w, owner, client) == []


async def test_odd_encodings_are_read(w):
    owner, client, _, reply_to = await _mailed(w)
    await _send(w, _answer(reply_to, "Подходит, жду.", "<k@x.org>", charset="koi8-r"), reply_to)
    html = "<html><body><p>Можно&nbsp;<b>в 16:00</b>?</p><blockquote>Ваш визит</blockquote>"
    html += "</body></html>"
    await _send(w, _answer(reply_to, html, "<h@x.org>", "windows-1251", "html"), reply_to)
    odd = _answer(reply_to, "Спасибо!", "<u@x.org>")
    odd.replace_header("Content-Type", 'text/plain; charset="x-unknown-charset"')
    await _send(w, odd, reply_to)
    bodies = sorted(m.body for m in await _incoming(w, owner, client))
    assert bodies == sorted(["Подходит, жду.", "Можно в 16:00?", "Спасибо!"])


def test_quoted_history_in_the_usual_forms_is_cut():
    gmail = "Yes, fine.\n\nOn Mon, Dec 7, 2026 at 10:00 AM Chistota <\noffice@x.ru> wrote:\n> hi"
    assert strip_quoted(gmail) == "Yes, fine."
    outlook = "Ok\r\n\r\n________________________________\r\nFrom: Office\r\nSent: today"
    assert strip_quoted(outlook) == "Ok"
    assert strip_quoted("Ок\n\n-----Исходное сообщение-----\nОт: офис") == "Ок"
    assert strip_quoted("> only quoted\n> lines") == ""
    assert strip_quoted("Пишите: после 18 удобно") == "Пишите: после 18 удобно"


async def test_the_sandbox_client_answers_through_the_page(w):
    """The sandbox's "SMS & e-mail" dialog answers an e-mail as the client: the mail peer
    sends it, quoting the original, to the inbound server, and the staff get it."""
    owner, client, order, _ = await _mailed(w)
    w.mail.reply_server = ("127.0.0.1", w.inbound.port)
    app = build_sandbox_app(TelegramEmulator("1:sandbox"), outside=OutsideApi([], w.mail))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://sandbox") as web:
        (shown,) = (await web.get("/api/outside")).json()["mail"]
        assert shown["replies"] is True
        done = await web.post(f"/api/outside/mail/{shown['id']}/reply", json={"text": "Жду!"})
        assert done.status_code == 200 and done.json() == {"ok": True}
        empty = await web.post(f"/api/outside/mail/{shown['id']}/reply", json={"text": " "})
        assert empty.status_code == 422
        assert (await web.post("/api/outside/mail/9/reply", json={"text": "x"})).status_code == 404
    (incoming,) = await _incoming(w, owner, client)
    assert incoming.body == "Жду!" and incoming.order_id == order.id


async def test_every_attempt_at_one_message_carries_the_same_reply_to(w):
    """With the deployment's key, a message's token is the same on every attempt, so a copy
    that did arrive before a retry can still be answered; another key gives another token."""
    owner, client, _order, first_random = await _mailed(w)
    (logged,) = [m for m in await _log(w, owner, client) if m.channel is Channel.EMAIL]
    key = b"deployment-key-for-reply-tokens!"
    async with w.uow() as uow:
        first = await issue_reply(uow, logged.organization_id, logged.id, key)
        again = await issue_reply(uow, logged.organization_id, logged.id, key)
        await uow.commit()
    assert first == again == reply_token(key, logged.organization_id, logged.id)
    assert token_of(reply_address(first, DOMAIN), DOMAIN) == first  # a well-formed token
    assert (
        reply_token(b"another-deployment-key-000000000", logged.organization_id, logged.id)
        != first
    )
    replies = w.services.client_loop.mail_replies(DOMAIN)
    assert await replies.accepts(reply_address(first, DOMAIN))
    assert not await replies.accepts(first_random)  # replaced, as a retry without a key does


def test_the_reply_key_comes_from_secret_key_for_its_own_purpose(tmp_path):
    from bot.jobs import reply_key
    from bot.settings import Settings

    bare = Settings(_env_file=None, database_url="sqlite:///x.db", files_dir=tmp_path)  # type: ignore[call-arg]
    assert reply_key(bare) is None  # no SECRET_KEY: a random token per attempt
    keyed = Settings(  # type: ignore[call-arg]
        _env_file=None, database_url="sqlite:///x.db", files_dir=tmp_path, secret_key="s3cret"
    )
    key = reply_key(keyed)
    assert key is not None and len(key) == 32 and b"s3cret" not in key
    assert reply_key(keyed) == key  # every process of the deployment derives the same
