"""SmtpMailSender against a real local SMTP server (aiosmtpd, sandbox/peers/mail.py): plain,
AUTH, STARTTLS and implicit TLS; refused recipients as permanent or temporary failures; a
server that is not there; Cyrillic names and subjects; attachments; the one-click unsubscribe
headers; the visit invitation as it reaches the client; nothing personal in the logs."""

from __future__ import annotations

import asyncio
import datetime as dt
import ipaddress
import logging
import socket
import ssl

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from icalendar import Calendar

from core.channels.calendar import Person, invite, reschedule
from core.channels.email import (
    Attachment,
    Mailbox,
    MailDeferred,
    MailFailure,
    MailRejected,
    OutgoingEmail,
    SmtpSecurity,
    SmtpSettings,
    Unsubscribe,
)
from core.clock import FixedClock
from integrations.ical import invitation_ics
from integrations.smtp import SmtpMailSender
from sandbox.peers.mail import MailPeer

UTC = dt.UTC
NOW = dt.datetime(2026, 3, 2, 9, 15, tzinfo=UTC)
CLIENT = "ivan.petrov@example.com"
SUBJECT = "Подтверждение визита: уборка 5 марта"
PASSWORD = "s3cret-Пароль"


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW)


@pytest.fixture
async def peer():
    async with MailPeer() as server:
        yield server


def settings(port: int, **changes) -> SmtpSettings:
    values = {
        "host": "127.0.0.1",
        "port": port,
        "security": SmtpSecurity.NONE,
        "from_address": "office@chistota.example",
        "from_name": "Чистота и Порядок",
    }
    values.update(changes)
    return SmtpSettings(**values)


def message(**changes) -> OutgoingEmail:
    values = {
        "sender": Mailbox("office@chistota.example", "Чистота и Порядок"),
        "to": Mailbox(CLIENT, "Иван Петров"),
        "subject": SUBJECT,
        "text": "Здравствуйте, Иван!\nЖдём вас 5 марта в 10:00.",
        "message_id_domain": "chistota.example",
    }
    values.update(changes)
    return OutgoingEmail(**values)


async def test_a_plain_message_arrives_with_its_envelope_and_headers(peer, clock):
    sender = SmtpMailSender(clock)
    message_id = await sender.send(settings(peer.port), message(message_key="delivery-17"))
    [mail] = await peer.wait_for(1)
    assert mail.mail_from == "office@chistota.example"
    assert mail.recipients == (CLIENT,)
    assert message_id == "<delivery-17@chistota.example>" == mail.message["Message-ID"]
    assert mail.message["Date"].datetime == NOW
    assert mail.text("plain").startswith("Здравствуйте, Иван!\n")
    assert mail.login is None
    assert "List-Unsubscribe" not in mail.message


async def test_cyrillic_subject_and_names_go_as_encoded_words_and_come_back(peer, clock):
    await SmtpMailSender(clock).send(settings(peer.port), message())
    [mail] = await peer.wait_for(1)
    head = mail.raw.split(b"\r\n\r\n", 1)[0]
    assert head.isascii()  # RFC 2047 encoded words, no raw UTF-8 in headers
    assert b"=?utf-8?" in head
    assert mail.subject == SUBJECT
    assert mail.message["From"].addresses[0].display_name == "Чистота и Порядок"
    assert mail.message["To"].addresses[0].display_name == "Иван Петров"
    assert mail.message["To"].addresses[0].addr_spec == CLIENT


async def test_a_fresh_message_id_uses_the_organizations_domain(peer, clock):
    first = await SmtpMailSender(clock).send(settings(peer.port), message())
    second = await SmtpMailSender(clock).send(settings(peer.port), message())
    assert first != second
    assert first.endswith("@chistota.example>") and second.endswith("@chistota.example>")


async def test_html_text_and_attachments(peer, clock):
    pdf = b"%PDF-1.4\n" + bytes(range(256)) * 4
    await SmtpMailSender(clock).send(
        settings(peer.port),
        message(
            html="<p>Здравствуйте, <b>Иван</b>!</p>",
            attachments=(Attachment("Чек №17.pdf", "application/pdf", pdf),),
        ),
    )
    [mail] = await peer.wait_for(1)
    assert mail.message.get_content_type() == "multipart/mixed"
    body = mail.message.get_body(("html",))
    assert body is not None and "<b>Иван</b>" in body.get_content()
    assert mail.text("plain") is not None
    assert mail.attachments() == [("Чек №17.pdf", "application/pdf", pdf)]


async def test_the_one_click_unsubscribe_headers(peer, clock):
    target = Unsubscribe("https://crm.example/u/abc123", mailto="unsubscribe@chistota.example")
    await SmtpMailSender(clock).send(settings(peer.port), message(unsubscribe=target))
    [mail] = await peer.wait_for(1)
    assert mail.message["List-Unsubscribe"] == (
        "<https://crm.example/u/abc123>, <mailto:unsubscribe@chistota.example?subject=unsubscribe>"
    )
    assert mail.message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


async def test_login_with_the_right_credentials(clock):
    async with MailPeer(credentials=("office", PASSWORD)) as peer:
        await SmtpMailSender(clock).send(
            settings(peer.port, username="office", password=PASSWORD), message()
        )
        [mail] = await peer.wait_for(1)
    assert mail.login == "office"


async def test_wrong_credentials_are_permanent(clock):
    async with MailPeer(credentials=("office", PASSWORD)) as peer:
        with pytest.raises(MailRejected) as failed:
            await SmtpMailSender(clock).send(
                settings(peer.port, username="office", password="wrong"), message()
            )
        assert peer.messages == []
    assert failed.value.failure is MailFailure.AUTH and failed.value.code == 535
    assert not failed.value.retryable


async def test_a_server_that_wants_auth_refuses_an_anonymous_sender(clock):
    async with MailPeer(credentials=("office", PASSWORD)) as peer:
        with pytest.raises(MailRejected) as failed:
            await SmtpMailSender(clock).send(settings(peer.port), message())
    assert (failed.value.failure, failed.value.code) == (MailFailure.SENDER, 530)


async def test_a_550_recipient_is_permanent(peer, clock):
    peer.refuse(CLIENT, 550)
    with pytest.raises(MailRejected) as failed:
        await SmtpMailSender(clock).send(settings(peer.port), message())
    assert (failed.value.failure, failed.value.code) == (MailFailure.RECIPIENT, 550)
    assert not failed.value.retryable
    assert CLIENT not in str(failed.value) and "No such user" not in str(failed.value)
    assert peer.messages == []


async def test_a_451_recipient_is_temporary_and_goes_through_later(peer, clock):
    sender = SmtpMailSender(clock)
    peer.refuse(CLIENT, 451, "4.7.1 Greylisted, try again later")
    with pytest.raises(MailDeferred) as failed:
        await sender.send(settings(peer.port), message())
    assert (failed.value.failure, failed.value.code) == (MailFailure.RECIPIENT, 451)
    assert failed.value.retryable
    peer.accept(CLIENT)
    await sender.send(settings(peer.port), message())
    assert len(await peer.wait_for(1)) == 1


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def test_a_refused_connection_is_temporary(clock):
    with pytest.raises(MailDeferred) as failed:
        await SmtpMailSender(clock, timeout=2).send(settings(_closed_port()), message())
    assert failed.value.failure is MailFailure.CONNECT


async def test_a_silent_server_times_out_as_temporary(clock):
    finished = asyncio.Event()

    async def mute(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.read()  # never greets; the client gives up and hangs up
        writer.close()
        await writer.wait_closed()
        finished.set()

    server = await asyncio.start_server(mute, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        with pytest.raises(MailDeferred) as failed:
            await SmtpMailSender(clock, timeout=0.3).send(settings(port), message())
        await asyncio.wait_for(finished.wait(), 5)
    finally:
        server.close()
        await server.wait_closed()
    assert failed.value.failure is MailFailure.TIMEOUT


async def test_the_visit_invitation_reaches_the_client_as_an_invitation(peer, clock):
    first = invite(
        1042,
        "chistota.example",
        start=dt.datetime(2026, 3, 5, 7, 0, tzinfo=UTC),
        end=dt.datetime(2026, 3, 5, 10, 0, tzinfo=UTC),
        zone="Europe/Moscow",
        summary="Генеральная уборка",
        location="Москва, ул. Ленина, 1, кв. 2",
        description="Окна, кухня, санузел",
        organizer=Person("Чистота и Порядок", "office@chistota.example"),
        stamp=NOW,
        attendee=Person("Иван Петров", CLIENT),
    )
    moved = reschedule(
        first,
        dt.datetime(2026, 3, 6, 8, 0, tzinfo=UTC),
        dt.datetime(2026, 3, 6, 11, 0, tzinfo=UTC),
        NOW,
    )
    ics = Attachment("invite.ics", moved.content_type, invitation_ics(moved))
    await SmtpMailSender(clock).send(settings(peer.port), message(attachments=(ics,)))
    [mail] = await peer.wait_for(1)

    inline = [p for p in mail.message.walk() if p.get_content_type() == "text/calendar"]
    assert len(inline) == 1 and inline[0].get_param("method") == "REQUEST"
    [(name, content_type, data)] = mail.attachments()
    assert (name, content_type.split(";")[0]) == ("invite.ics", "application/ics")
    assert data == invitation_ics(moved)  # the file, byte for byte (CRLF line ends)
    assert inline[0].get_content().encode() == data.replace(b"\r\n", b"\n")

    calendar = Calendar.from_ical(data)
    assert calendar["METHOD"] == "REQUEST"
    [event] = calendar.walk("VEVENT")
    assert str(event["UID"]) == "order-1042@chistota.example"
    assert event["SEQUENCE"] == 1
    start = event.decoded("DTSTART")
    assert event["DTSTART"].params["TZID"] == "Europe/Moscow"
    assert (start.hour, start.utcoffset()) == (11, dt.timedelta(hours=3))
    assert start == dt.datetime(2026, 3, 6, 8, 0, tzinfo=UTC)
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/Moscow"]


def _certificate(directory) -> tuple[ssl.SSLContext, ssl.SSLContext]:
    """A self-signed certificate for 127.0.0.1: the server's context and a client's trusting it."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "mail.sandbox.test")])
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(dt.datetime(2020, 1, 1, tzinfo=UTC))
        .not_valid_after(dt.datetime(2100, 1, 1, tzinfo=UTC))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = directory / "cert.pem", directory / "key.pem"
    cert_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    server = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server.load_cert_chain(cert_file, key_file)
    client = ssl.create_default_context(cafile=str(cert_file))
    return server, client


@pytest.mark.parametrize("implicit", [False, True], ids=["starttls", "tls"])
async def test_tls_then_auth(tmp_path, clock, implicit):
    server_tls, client_tls = _certificate(tmp_path)
    security = SmtpSecurity.TLS if implicit else SmtpSecurity.STARTTLS
    async with MailPeer(
        credentials=("office", PASSWORD), tls_context=server_tls, implicit_tls=implicit
    ) as peer:
        sender = SmtpMailSender(clock, tls_context=client_tls)
        chosen = settings(peer.port, security=security, username="office", password=PASSWORD)
        await sender.send(chosen, message())
        [mail] = await peer.wait_for(1)
    assert mail.login == "office" and mail.subject == SUBJECT


async def test_an_untrusted_certificate_is_not_sent_to(tmp_path, clock):
    server_tls, _ = _certificate(tmp_path)
    async with MailPeer(tls_context=server_tls) as peer:
        with pytest.raises(MailRejected) as failed:
            chosen = settings(peer.port, security=SmtpSecurity.STARTTLS)
            await SmtpMailSender(clock).send(chosen, message())
        assert peer.messages == []
    assert failed.value.failure is MailFailure.SETTINGS


async def test_starttls_is_required_when_chosen(peer, clock):
    # The plain peer offers no STARTTLS: never fall back to sending in the clear.
    with pytest.raises(MailRejected) as failed:
        chosen = settings(peer.port, security=SmtpSecurity.STARTTLS)
        await SmtpMailSender(clock).send(chosen, message())
    assert failed.value.failure is MailFailure.SETTINGS
    assert peer.messages == []


async def test_check_logs_in_without_sending(clock):
    async with MailPeer(credentials=("office", PASSWORD)) as peer:
        sender = SmtpMailSender(clock)
        await sender.check(settings(peer.port, username="office", password=PASSWORD))
        with pytest.raises(MailRejected):
            await sender.check(settings(peer.port, username="office", password="nope"))
        assert peer.messages == []


async def test_logs_carry_no_address_subject_or_password(caplog, clock):
    caplog.set_level(logging.DEBUG)
    async with MailPeer(credentials=("office", PASSWORD)) as peer:
        sender = SmtpMailSender(clock)
        good = settings(peer.port, username="office", password=PASSWORD)
        await sender.send(good, message())
        peer.refuse(CLIENT, 550)
        with pytest.raises(MailRejected):
            await sender.send(good, message())
        with pytest.raises(MailRejected):
            await sender.send(
                settings(peer.port, username="office", password="x" + PASSWORD), message()
            )
    ours = [r for r in caplog.records if not r.name.startswith("mail.log")]  # the server's own
    assert any(r.name == "integrations.smtp" for r in ours)
    text = "\n".join(r.getMessage() for r in ours)
    for secret in (CLIENT, "office@chistota.example", SUBJECT, PASSWORD, "Иван", "Чистота"):
        assert secret not in text
