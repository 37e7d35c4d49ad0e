"""Errors reach Sentry (a local fake of its envelope endpoint) with nothing personal in them."""

from __future__ import annotations

import asyncio
import logging

import pytest
import sentry_sdk

from bot.monitoring import scrub_event, start_sentry, stop_sentry
from tests.fakes.sentry import FakeSentry

PHONE, EMAIL = "+7 916 123-45-67", "anna.petrova@example.com"
TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"
TEXT = "Анна Петрова, ул. Сухонская 11, код домофона 15"


@pytest.fixture
async def sentry():
    async with FakeSentry() as fake:
        start_sentry(fake.dsn, "test")
        try:
            yield fake
        finally:
            await asyncio.to_thread(stop_sentry)


def _fail_with_personal_data() -> None:
    secret = f"key=sk-{'x' * 24}"
    message = {"text": TEXT, "from": {"first_name": "Анна"}, "contact": PHONE, "k": secret}
    raise ValueError(f"could not handle {message} from {EMAIL} via bot{TOKEN}")


async def test_an_error_arrives_without_message_text_phones_emails_or_tokens(sentry):
    log = logging.getLogger("tests.sentry")
    log.info("update from %s with %s", PHONE, EMAIL)  # a breadcrumb
    sentry_sdk.set_context("update", {"text": TEXT, "chat": 42})
    try:
        _fail_with_personal_data()
    except ValueError:
        log.exception("update failed")
    await asyncio.to_thread(sentry_sdk.flush, 5)
    events = sentry.items("event")
    assert len(events) == 1, sentry.requests
    event = events[0]
    assert event["exception"]["values"][-1]["type"] == "ValueError"
    assert event["exception"]["values"][-1]["stacktrace"]["frames"]
    raw = b"".join(sentry.raw).decode()
    for leak in (
        PHONE,
        "916 123",
        "9161234567",
        EMAIL,
        TOKEN,
        "AAHdqTcvCH1vGWJ",
        TEXT,
        "Сухонская",
        "sk-xxx",
    ):
        assert leak not in raw, leak


def test_the_scrubber_drops_request_bodies_query_strings_and_users():
    event = {
        "user": {"id": 7, "ip_address": "10.0.0.1"},
        "request": {
            "method": "GET",
            "url": "https://crm.example/admin/sign-in?token=one-time-secret",
            "query_string": "token=one-time-secret",
            "headers": {"Cookie": "session=abc", "User-Agent": "Firefox", "Authorization": "x"},
            "data": {"phone": PHONE},
        },
        "extra": {"note": f"call {PHONE}"},
    }
    cleaned = scrub_event(event)
    assert "user" not in cleaned
    assert cleaned["request"] == {
        "method": "GET",
        "url": "https://crm.example/admin/sign-in",
        "headers": {"User-Agent": "Firefox"},
    }
    assert PHONE not in str(cleaned)
