"""The client message preview (issue 19, item 10): sample values on the organization's wall
clock and in the text's language, the SMS as the job would send it, its segments."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from core.channels.sms import SmsEncoding
from core.client_loop.model import MessageKind
from core.client_loop.preview import SAMPLE_TOKEN, preview, sample_values
from core.client_loop.templates import VARIABLES, default
from core.errors import DomainError

# 23:30 UTC on 3 March 2026: already 4 March in Moscow, still 3 March in New York.
LATE = datetime(2026, 3, 3, 23, 30, tzinfo=UTC)


def _values(language="en", zone="Europe/Moscow", org="Clean Home"):
    return sample_values(language, org, zone, LATE, "https://crm.example/", "3,500 ₽")


def test_the_sample_visit_is_tomorrow_on_the_organizations_wall_clock():
    moscow, new_york = _values(zone="Europe/Moscow"), _values(zone="America/New_York")
    assert (moscow["date"], moscow["time"]) == ("05.03.2026", "10:30")
    assert (new_york["date"], new_york["time"]) == ("04.03.2026", "10:30")
    assert (moscow["old_date"], moscow["old_time"]) == ("04.03.2026", "15:00")
    assert moscow["page_link"] == f"https://crm.example/c/{SAMPLE_TOKEN}"
    assert _values("ru")["worker_first_name"] == "Иван" and moscow["worker_first_name"] == "Ivan"
    every = {name for names in VARIABLES.values() for name in names}
    assert every <= set(moscow)  # every variable has a sample


def test_latin_text_is_gsm7_and_cyrillic_ucs2():
    latin = preview(MessageKind.ON_MY_WAY, "{org_name}: {eta}", _values())
    assert latin.text == latin.sms == "Clean Home: 25 min"
    assert (latin.segments.encoding, latin.segments.segments) == (SmsEncoding.GSM7, 1)
    cyrillic = preview(MessageKind.ON_MY_WAY, default(MessageKind.ON_MY_WAY, "ru"), _values("ru"))
    assert cyrillic.segments.encoding is SmsEncoding.UCS2
    assert cyrillic.text == "Clean Home: Иван уже в пути, будет примерно через 25 мин."


def test_an_sms_is_shortened_as_the_job_does_and_a_hopeless_one_is_flagged():
    values = {**_values("ru"), "address": "улица Очень Длинного Названия " * 10}
    body = default(MessageKind.CONFIRMATION, "ru")
    shown = preview(MessageKind.CONFIRMATION, body, values)
    assert shown.sms is not None and "…" in shown.sms and shown.segments.segments <= 2
    assert ("улица Очень Длинного Названия " * 10).strip() in shown.text  # whole in Telegram
    long = "{date} {time} " + "я" * 400
    hopeless = preview(MessageKind.CONFIRMATION, long, values)
    assert hopeless.sms is None and hopeless.segments.segments > 2
    assert hopeless.subject.startswith("05.03.2026 10:30 я")


def test_an_invalid_text_is_not_previewed():
    with pytest.raises(DomainError, match="template_missing_variable"):
        preview(MessageKind.ON_MY_WAY, "{org_name} soon", _values())
