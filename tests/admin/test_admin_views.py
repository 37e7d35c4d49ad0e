"""The admin pages as pure functions of (translator, data): usage over a plan's limit says what
it means and what to do instead of a bare "5 of 3"."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.admin.billing_view import billing_page
from bot.admin.html import SafeText
from core.admin.model import BillingOverview
from core.billing.rules import FREE
from handlers.i18n import Catalogs

START, END = datetime(2026, 3, 1, tzinfo=UTC), datetime(2026, 4, 1, tzinfo=UTC)


def overview(members: int, orders: int, enforced: bool = True) -> BillingOverview:
    return BillingOverview(FREE, None, START, END, members, {"orders": orders}, [], True, enforced)


def page(language: str, members: int, orders: int, enforced: bool = True) -> str:
    t = SafeText(Catalogs().get(language))
    return billing_page(t, "Чистый дом", overview(members, orders, enforced), "csrf")


def test_usage_within_the_plan_reads_as_a_fraction():
    html = page("en", 2, 40)
    assert "Members: 2 of 3" in html and "Orders this period: 40 of 100" in html


def test_usage_over_the_limit_explains_itself():
    html = page("en", 5, 100)
    assert "5 of 3" not in html and "100 of 100" not in html
    assert (
        "5 members, the Free plan allows 3: nobody can join or be reactivated until you "
        "upgrade the plan or deactivate 2." in html
    )
    assert (
        "100 orders this period, the Free plan allows 100: new orders are refused until "
        "April 1, 2026 or until you upgrade the plan." in html
    )
    relaxed = page("en", 5, 100, enforced=False)
    assert "5 members, the Free plan allows 3: this server does not enforce" in relaxed
    russian = page("ru", 5, 100)
    assert "5 участников, тариф Free допускает 3" in russian, russian
    assert "1 апреля 2026" in russian
