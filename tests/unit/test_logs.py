"""The redacting log filter: phones, e-mails, tokens and keys never reach a log line, and
ordinary diagnostics (ids, codes, paths, times) come through."""

import logging

import pytest

from bot.logs import RedactingFilter, redact

SECRETS = [
    ("HTTP Request: POST https://api.telegram.org/bot123456789:AAHk2-secret_token_value_xx/getMe",
     "AAHk2-secret_token_value_xx"),
    ("Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.payload.sig", "eyJhbGciOiJIUzI1NiJ9"),
    ("calling with api_key=AQVN1a2b3c4d5e6f7g8h9i0j", "AQVN1a2b3c4d5e6f7g8h9i0j"),
    ('{"token": "f0e1d2c3b4a5", "x": 1}', "f0e1d2c3b4a5"),
    ("openrouter key sk-or-v1-0123456789abcdef0123", "sk-or-v1-0123456789abcdef0123"),
    ("X-Amz-Credential=AKIAIOSFODNN7EXAMPLE/20260302", "AKIAIOSFODNN7EXAMPLE"),
    ("X-Amz-Signature=9f86d081884c7d659a2feaa0c55ad015", "9f86d081884c7d659a2feaa0c55ad015"),
    ("secret_key: hunter2hunter2", "hunter2hunter2"),
    ("file BQACAgIAAxkBAAI000123doc0000000000000001", "AgIAAxkBAAI000123doc0000000000000001"),
]  # fmt: skip
PERSONAL = [
    ("client +7 (916) 123-45-67 called", "123-45-67"),
    ("call 8 916 123 45 67 back", "916 123 45 67"),
    ("intercom 123-45-67", "123-45-67"),
    ("mail ivan.petrov+crm@example.co.uk now", "ivan.petrov"),
    ("card 4111 1111 1111 1111 declined", "4111 1111"),
]
KEPT = [
    "job 42 (upload) attempt 3 failed: TimeoutError at files.py:120",
    'File "/work/main/.venv/lib/python3.11/site-packages/telegram/_bot.py", line 612',
    "scheduler: 3 recorded, 2 enqueued",
    "update 12 already applied; skipped",
    "migration 0009 applied at 2026-03-02 09:00:00",
]


@pytest.mark.parametrize(("line", "secret"), SECRETS + PERSONAL)
def test_secrets_and_personal_data_are_redacted(line, secret):
    assert secret not in redact(line)


@pytest.mark.parametrize("line", KEPT)
def test_diagnostics_come_through(line):
    assert redact(line) == line


def test_the_filter_rewrites_the_final_text_of_any_record():
    record = logging.LogRecord(
        "httpx", logging.INFO, __file__, 1, "sent %s to %s", ("+79161234567", "a@b.ru"), None
    )
    assert RedactingFilter().filter(record)
    assert record.getMessage() == "sent <phone> to <email>"
