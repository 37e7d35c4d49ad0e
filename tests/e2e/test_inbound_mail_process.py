"""The inbound SMTP server for clients' answers runs with the processes that serve HTTP when
INBOUND_MAIL_DOMAIN is set (bot/process.py), and not otherwise: the real bot, the admin
endpoint and the server on real ports, a client program talking SMTP to it."""

from __future__ import annotations

from email.message import EmailMessage

import aiosmtplib
import pytest

from bot.settings import Settings
from tests.admin.support import ENCRYPTION_KEY
from tests.e2e.conftest import local_bot


def settings(db_url: str, tmp_path, domain: str | None) -> Settings:
    return Settings(  # type: ignore[call-arg]
        _env_file=None,
        telegram_bot_token=None,
        database_url=db_url,
        files_dir=tmp_path / "files",
        admin_port=0,
        secret_key="e2e-secret",
        encryption_key=ENCRYPTION_KEY,
        inbound_mail_domain=domain,
        inbound_mail_port=0,
    )


async def test_the_server_runs_with_the_admin_endpoint_and_refuses_unknown_addresses(
    db_url, tmp_path
):
    local = local_bot(settings(db_url, tmp_path, "Reply.CRM.test."))
    await local.start()
    try:
        assert local.process is not None and local.admin is not None
        server = local.process.inbound_mail
        assert server is not None and server.port > 0
        message = EmailMessage()
        message["From"], message["To"], message["Subject"] = "a@b.example", "x@y.example", "Re"
        message.set_content("hello")
        forged = f"reply+{'b' * 24}@reply.crm.test"
        with pytest.raises(aiosmtplib.SMTPRecipientsRefused) as refused:
            await aiosmtplib.send(
                message, hostname="127.0.0.1", port=server.port, recipients=[forged],
                start_tls=False, use_tls=False, timeout=10,
            )  # fmt: skip
        assert refused.value.recipients[0].code == 550
    finally:
        await local.stop()
    assert local.process is None


async def test_without_a_domain_there_is_no_server(db_url, tmp_path):
    local = local_bot(settings(db_url, tmp_path, None))
    await local.start()
    try:
        assert local.process is not None and local.process.inbound_mail is None
    finally:
        await local.stop()


def test_a_domain_that_is_not_one_is_refused(tmp_path):
    with pytest.raises(ValueError, match="domain name"):
        settings("sqlite:///x.db", tmp_path, "reply+x@crm")
