"""The digest's open quotes (issue 20, item 5): listed after the exceptions in both languages,
at most LIST_LIMIT with how many more, carried through the delivery job's JSON, and a day
with open quotes is not quiet."""

from datetime import date

from core.notifications.digest import (
    LIST_LIMIT,
    DigestMessage,
    Facts,
    Period,
    QuoteRef,
    build_digest,
)
from handlers.i18n import Catalogs
from handlers.notifications.digests import digest_view

CATALOGS = Catalogs()
DAY = date(2026, 11, 27)


def _message(quotes) -> DigestMessage:
    digest = build_digest(Period.DAY, DAY, DAY, Facts(open_quotes=quotes), Facts())
    return DigestMessage(digest, "Clean", "RUB", {})


def test_open_quotes_in_english_and_russian():
    quotes = (QuoteRef(3, 1500_00, date(2026, 11, 30)), QuoteRef(7, 990_50, date(2026, 12, 2)))
    message = DigestMessage.from_data(_message(quotes).as_data())  # as the job carries it
    assert not message.digest.quiet
    text, _ = digest_view(CATALOGS.get("en"), message)
    line = next(line for line in text.splitlines() if "quotes" in line)
    assert line == (
        "📝 Open quotes: 2 — #3 (1,500\xa0RUB, until 30 Nov), #7 (990.50\xa0RUB, until 2 Dec)"
    )
    assert text.index("Nothing needs attention") < text.index("Open quotes")
    text, _ = digest_view(CATALOGS.get("ru"), message)
    assert "📝 Открытые сметы: 2 — #3 (1\xa0500\xa0₽, до 30 нояб.)" in text


def test_many_open_quotes_are_cut_and_none_leave_no_line():
    quotes = tuple(QuoteRef(i, 100, date(2026, 12, 1)) for i in range(LIST_LIMIT + 2))
    message = _message(quotes)
    assert len(message.digest.open_quotes) == LIST_LIMIT
    text, _ = digest_view(CATALOGS.get("en"), message)
    assert "📝 Open quotes: 12 — #0" in text and text.endswith("") and " and 2 more" in text
    quiet = _message(())
    assert quiet.digest.quiet
    assert "quotes" not in digest_view(CATALOGS.get("en"), quiet)[0]
