"""The admin page's banner while a published version of the privacy policy is still to take
effect (issue 25, item 2): which version, when, and what changes."""

from __future__ import annotations

from babel.dates import format_date

from bot.admin.html import Safe, SafeText, esc, tag
from core.privacy.policy import PolicyStatus


def banner(t: SafeText, status: PolicyStatus) -> Safe | None:
    upcoming = status.upcoming
    if upcoming is None:
        return None
    text = t(
        "The privacy policy changes on {date}: version {version} takes effect then. "
        "What changes: {summary}",
        date=format_date(upcoming.effective, "d MMMM y", locale=t.locale),
        version=upcoming.version,
        summary=upcoming.summary_in(t.locale[:2]),
    )
    return tag("div", text, class_="notice banner", role="note", data_testid="policy-banner")


def with_banner(html: str, extra: Safe | None) -> str:
    """The page with the banner right under its title."""
    if extra is None:
        return html
    return html.replace("</h1>", "</h1>" + esc(extra), 1)
