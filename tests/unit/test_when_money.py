"""Reading dates, times, amounts and phone numbers the way people type them."""

from datetime import UTC, date, datetime, time
from gettext import NullTranslations

import pytest

from core.errors import DomainError
from core.money import parse_money
from core.orders.listing import local_day_bounds
from core.phones import looks_like_phone
from core.when import check_not_past, next_year, parse_when, to_utc
from handlers.formatting import phone, wall_clock
from handlers.i18n import Translator
from handlers.numbers import read_number

TODAY = date(2026, 3, 2)


@pytest.mark.parametrize(
    ("typed", "day", "at"),
    [
        ("25.12 14:30", date(2026, 12, 25), time(14, 30)),
        ("завтра 10:00", date(2026, 3, 3), time(10, 0)),
        ("Tomorrow", date(2026, 3, 3), None),
        ("сегодня 18.30", TODAY, time(18, 30)),
        ("14:30", TODAY, time(14, 30)),
        ("01.01 9", date(2026, 1, 1), time(9, 0)),
        ("2026-12-25 09:05", date(2026, 12, 25), time(9, 5)),
        ("25/12/2026 3pm", date(2026, 12, 25), time(15, 0)),
        ("послезавтра", date(2026, 3, 4), None),
        ("tomorrow at 10", date(2026, 3, 3), time(10, 0)),
        # Days of the week (TODAY is a Monday): the next such day, today's a week ahead.
        ("Friday 10:00", date(2026, 3, 6), time(10, 0)),
        ("fri 10am", date(2026, 3, 6), time(10, 0)),
        ("в пятницу в 10:00", date(2026, 3, 6), time(10, 0)),
        ("пт 18.30", date(2026, 3, 6), time(18, 30)),
        ("monday", date(2026, 3, 9), None),
        ("во вторник", date(2026, 3, 3), None),
        ("on Sunday at 9", date(2026, 3, 8), time(9, 0)),
        ("среда, 14:00", date(2026, 3, 4), time(14, 0)),
    ],
)
def test_dates_people_type(typed, day, at):
    answer = parse_when(typed, TODAY)
    assert (answer.day, answer.at) == (day, at)


@pytest.mark.parametrize(
    "typed",
    ["", "when?", "31.02 10:00", "25.12 25:00", "25.13", "10:61", "fridays", "пятн 10", "в 10"],
)
def test_nonsense_asks_again_with_an_example(typed):
    with pytest.raises(DomainError) as refused:
        parse_when(typed, TODAY)
    assert refused.value.params["example"]


def test_local_wall_time_to_utc_across_dst():
    berlin = "Europe/Berlin"
    assert to_utc(date(2026, 3, 28), time(10), berlin) == datetime(2026, 3, 28, 9, tzinfo=UTC)
    assert to_utc(date(2026, 3, 30), time(10), berlin) == datetime(2026, 3, 30, 8, tzinfo=UTC)
    start, end = local_day_bounds(datetime(2026, 3, 29, 12, tzinfo=UTC), "Europe/Berlin")
    assert (end - start).total_seconds() == 23 * 3600


@pytest.mark.parametrize(
    ("typed", "minor"),
    [
        ("3500", 350000),
        ("3 500", 350000),
        ("3500,50", 350050),
        ("3500 руб", 350000),
        ("₽ 99.9", 9990),
        ("1\u00a0200р.", 120000),
    ],
)
def test_money(typed, minor):
    assert parse_money(typed) == minor


@pytest.mark.parametrize("typed", ["", "abc", "0", "1.234", "1e5", "999999999999", "5,000"])
def test_bad_money(typed):
    with pytest.raises(DomainError) as refused:
        parse_money(typed)
    assert refused.value.code in ("money_invalid", "money_range")


@pytest.mark.parametrize("typed", ["-5", "-500", "\u2212500 руб", "- 3 500,50"])
def test_a_negative_amount_is_refused_as_negative(typed):
    with pytest.raises(DomainError) as refused:
        parse_money(typed)
    assert refused.value.code == "money_negative"


@pytest.mark.parametrize("locale", ["en", "ru"])
@pytest.mark.parametrize(
    ("typed", "minor"),
    [
        ("5,000", 500000),
        ("5 000", 500000),
        ("5\u00a0000", 500000),
        ("5000,50", 500050),
        ("5000.50", 500050),
        ("5,000.50", 500050),
        ("1,000,000", 100000000),
        ("12,5", 1250),
        ("3 500 руб", 350000),
        ("$99.90", 9990),
    ],
)
def test_amounts_read_the_same_in_both_languages(locale, typed, minor):
    assert parse_money(read_number(typed, locale)) == minor


@pytest.mark.parametrize("locale", ["en", "ru"])
def test_a_minus_survives_reading_and_is_refused(locale):
    assert read_number("-500", locale) == "-500"
    with pytest.raises(DomainError) as refused:
        parse_money(read_number("-500", locale))
    assert refused.value.code == "money_negative"


@pytest.mark.parametrize("typed", ["", "дорого", "1e5", "1.234", "5,000,00.5", "+7 916 123"])
def test_what_is_not_an_amount_is_left_to_the_core(typed):
    assert read_number(typed, "en") is None and read_number(typed, "ru") is None


NOW = datetime(2026, 12, 5, 15, 0)  # the organization's wall clock


def test_a_past_day_and_month_offers_next_year_instead_of_moving_silently():
    answer = parse_when("01.12 10:00", NOW.date())
    assert answer.day == date(2026, 12, 1) and not answer.year_typed
    assert next_year(answer, NOW.date()) == date(2027, 12, 1)
    assert next_year(parse_when("01.12.2026 10:00", NOW.date()), NOW.date()) is None
    assert next_year(parse_when("06.12 10:00", NOW.date()), NOW.date()) is None
    assert next_year(parse_when("29.02.2028", date(2028, 3, 5)), date(2028, 3, 5)) is None
    assert next_year(parse_when("29.02", date(2028, 3, 5)), date(2028, 3, 5)) is None


def test_past_days_and_times_earlier_today_are_refused():
    with pytest.raises(DomainError) as refused:
        check_not_past(date(2026, 12, 1), time(10), NOW)
    assert refused.value.code == "date_past"
    with pytest.raises(DomainError) as refused:
        check_not_past(NOW.date(), time(9), NOW)
    assert refused.value.code == "time_past"
    check_not_past(NOW.date(), time(14, 50), NOW)  # a few minutes ago: "I am there now"
    check_not_past(NOW.date(), None, NOW)
    check_not_past(date(2026, 12, 6), time(9), NOW)


def test_the_year_is_shown_only_when_it_is_not_this_one():
    t = Translator("en", NullTranslations())
    assert wall_clock(t, "2026-12-07", "10:00", "2026-12-05") == "Mon 7 Dec, 10:00"
    assert wall_clock(t, "2027-12-01", "10:00", "2026-12-05") == "Wed 1 Dec 2027, 10:00"
    assert wall_clock(t, "2027-01-04", None, "2026-12-05") == "Mon 4 Jan 2027"


@pytest.mark.parametrize(
    ("typed", "meant"),
    [("+7 999 12", True), ("8 (916) 12-3", True), ("12", False), ("Анна 916", False)],
)
def test_what_was_meant_as_a_phone_number(typed, meant):
    assert looks_like_phone(typed) is meant


@pytest.mark.parametrize(
    ("e164", "shown"),
    [
        ("+79161234567", "+7 916 123-45-67"),
        ("+493012345678", "+49 30 12345678"),
        ("+12025550123", "+1 202-555-0123"),
        ("101", "101"),
    ],
)
def test_phones_are_shown_in_one_international_format(e164, shown):
    assert phone(e164) == shown
