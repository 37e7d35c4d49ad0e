"""The e-mail records' rules: the conservative address check, SMTP settings naming every
problem at once, the outgoing message's own checks, and reply codes as permanent or temporary."""

from __future__ import annotations

import pytest

from core.channels.email import (
    Attachment,
    InvalidSmtpSettings,
    Mailbox,
    MailDeferred,
    MailFailure,
    MailRejected,
    OutgoingEmail,
    SmtpProblem,
    SmtpSecurity,
    SmtpSettings,
    Unsubscribe,
    normalize_address,
    reply_failure,
)


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("ivan@example.com", "ivan@example.com"),
        ("  Ivan.Petrov+crm@Example.COM ", "Ivan.Petrov+crm@example.com"),
        ("o'neil@mail.example.co.uk", "o'neil@mail.example.co.uk"),
        ("info@чистота.рф", "info@" + "чистота.рф".encode("idna").decode()),
        ("a@b.xn--p1ai", "a@b.xn--p1ai"),
    ],
)
def test_addresses_accepted(given, expected):
    assert normalize_address(given) == expected


@pytest.mark.parametrize(
    "given",
    [
        "",
        "ivan",
        "ivan@",
        "@example.com",
        "ivan@localhost",  # no dot: not a public domain
        "ivan@example.c",  # one-letter top-level domain
        "ivan@example.123",
        "iv an@example.com",
        "ivan..p@example.com",
        ".ivan@example.com",
        '"ivan"@example.com',  # quoted local parts are legal, but not for us
        "иван@example.com",  # needs SMTPUTF8
        "ivan@exa_mple.com",
        "ivan@-example.com",
        "ivan@[127.0.0.1]",
        "a@b@example.com",
        "ivan@example.com\r\nBcc: x@y.com",
        "x" * 65 + "@example.com",
        "x@" + "a" * 64 + ".com",
        "x@" + ".".join(["a" * 60] * 5) + ".com",
    ],
)
def test_addresses_refused(given):
    assert normalize_address(given) is None


def good(**changes) -> SmtpSettings:
    values = {
        "host": "smtp.example.com",
        "port": 587,
        "security": SmtpSecurity.STARTTLS,
        "from_address": "office@example.com",
        "from_name": "Чистота",
        "username": "office@example.com",
        "password": "secret",
    }
    values.update(changes)
    return SmtpSettings(**values)


def test_settings_are_normalised_and_hide_the_password():
    settings = good(host="SMTP.Example.com.", security="tls", port=465)
    assert (settings.host, settings.security, settings.login) == (
        "smtp.example.com",
        SmtpSecurity.TLS,
        True,
    )
    assert "secret" not in repr(settings)
    assert not good(username="", password="").login


def test_settings_name_every_problem_at_once():
    with pytest.raises(InvalidSmtpSettings) as failed:
        good(
            host="smtp example",
            port=70000,
            security="ssl",
            from_address="office",
            from_name="a\nb",
            password="",
        )
    assert failed.value.problems == tuple(SmtpProblem)


@pytest.mark.parametrize("port", [0, -1, 65536, True, "587"])
def test_ports_outside_the_range(port):
    with pytest.raises(InvalidSmtpSettings) as failed:
        good(port=port)
    assert failed.value.problems == (SmtpProblem.PORT_RANGE,)


@pytest.mark.parametrize("host", ["10.0.0.5", "localhost", "mail.xn--p1ai", "почта.рф"])
def test_hosts_accepted(host):
    assert good(host=host).host


def test_a_user_name_wants_a_password_and_back():
    for username, password in (("office", ""), ("", "secret")):
        with pytest.raises(InvalidSmtpSettings) as failed:
            good(username=username, password=password)
        assert failed.value.problems == (SmtpProblem.CREDENTIALS_INCOMPLETE,)


def message(**changes) -> OutgoingEmail:
    values = {
        "sender": Mailbox("office@example.com", "Чистота"),
        "to": Mailbox("ivan@example.com", "Иван"),
        "subject": "Визит",
        "text": "Текст",
        "message_id_domain": "Example.com",
    }
    values.update(changes)
    return OutgoingEmail(**values)


def test_an_outgoing_message():
    email = message(attachments=[Attachment("a.ics", "text/calendar; method=CANCEL", b"x")])
    assert email.message_id_domain == "example.com"
    assert isinstance(email.attachments, tuple)
    [ics] = email.attachments
    assert (ics.maintype, ics.subtype, ics.params) == ("text", "calendar", {"method": "CANCEL"})


@pytest.mark.parametrize(
    "changes",
    [
        {"subject": ""},
        {"subject": "Визит\r\nBcc: all@example.com"},  # header injection
        {"message_id_domain": "not a domain"},
        {"message_key": "has space"},
        {"message_key": "a<b>"},
    ],
)
def test_what_a_message_refuses(changes):
    with pytest.raises(ValueError):
        message(**changes)


def test_parts_refuse_what_cannot_be_sent():
    with pytest.raises(ValueError):
        Mailbox("ivan@example.com", "Иван\nBcc: x")
    with pytest.raises(ValueError):
        Mailbox("not-an-address")
    with pytest.raises(ValueError):
        Attachment("../etc/passwd", "text/plain", b"")
    with pytest.raises(ValueError):
        Attachment("a.txt", "text", b"")
    with pytest.raises(ValueError):
        Unsubscribe("http://example.com/u/1")  # RFC 8058 one-click wants HTTPS
    with pytest.raises(ValueError):
        Unsubscribe("https://example.com/u/1", mailto="nobody")


@pytest.mark.parametrize(
    ("code", "kind", "failure"),
    [
        (550, MailRejected, MailFailure.RECIPIENT),
        (554, MailRejected, MailFailure.RECIPIENT),
        (535, MailRejected, MailFailure.RECIPIENT),
        (451, MailDeferred, MailFailure.RECIPIENT),
        (421, MailDeferred, MailFailure.RECIPIENT),
        (452, MailDeferred, MailFailure.RECIPIENT),
        (250, MailDeferred, MailFailure.PROTOCOL),  # not an error answer: odd, try again
    ],
)
def test_reply_classes(code, kind, failure):
    error = reply_failure(MailFailure.RECIPIENT, code)
    assert type(error) is kind
    assert (error.failure, error.code, error.retryable) == (failure, code, kind is MailDeferred)
    assert error.service == "smtp"
