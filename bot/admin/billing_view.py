"""The billing page as a pure function of (translator, data): the current plan and its
usage (what being over a limit means, and what to do), the plans to buy, and past payments."""

from __future__ import annotations

from babel.dates import format_date
from babel.numbers import format_currency

from bot.admin.html import Safe, SafeText, button, field, form, join, page, tag
from core.admin.model import BillingOverview
from core.billing.rules import PLANS, Plan
from handlers.admin import PLAN_NAMES


def billing_page(
    t: SafeText, org: str, overview: BillingOverview, csrf: str, message: Safe | None = None
) -> str:
    sections = [message or "", _current(t, overview), _plans(t, overview, csrf)]
    if overview.payments:
        sections.append(_payments(t, overview))
    return page(t, t("Billing"), join(sections), org)


def _money(t: SafeText, kopecks: int) -> str:
    return format_currency(kopecks / 100, "RUB", locale=t.locale)


def _limit(t: SafeText, value: int | None) -> str:
    return t("unlimited") if value is None else str(value)


def _current(t: SafeText, overview: BillingOverview) -> Safe:
    plan, sub = overview.plan, overview.subscription
    lines = [tag("p", t("Plan: {plan}", plan=PLAN_NAMES[plan.code]), data_testid="current-plan")]
    if plan.monthly_price and sub and sub.current_period_end:
        until = format_date(sub.current_period_end.date(), "long", locale=t.locale)
        lines.append(tag("p", t("Paid until {date}", date=until), data_testid="paid-until"))
    lines.append(tag("p", _members_usage(t, overview), data_testid="members-usage"))
    lines.append(tag("p", _orders_usage(t, overview), data_testid="orders-usage"))
    return tag("section", join([tag("h2", t("Your plan")), *lines]))


def _members_usage(t: SafeText, overview: BillingOverview) -> Safe:
    """Usage such as "5 of 3" explained: what being over the limit means, what to do."""
    plan, count = overview.plan, overview.members
    limit = plan.max_members
    if limit is None or count <= limit:
        return t("Members: {count} of {limit}", count=count, limit=_limit(t, limit))
    name = PLAN_NAMES[plan.code]
    if not overview.enforced:
        return t.n(
            "{count} member, the {plan} plan allows {limit}: "
            "this server does not enforce plan limits.",
            "{count} members, the {plan} plan allows {limit}: "
            "this server does not enforce plan limits.",
            count,
            plan=name,
            limit=limit,
        )
    return t.n(
        "{count} member, the {plan} plan allows {limit}: nobody can join or be reactivated "
        "until you upgrade the plan or deactivate {extra}.",
        "{count} members, the {plan} plan allows {limit}: nobody can join or be reactivated "
        "until you upgrade the plan or deactivate {extra}.",
        count,
        plan=name,
        limit=limit,
        extra=count - limit,
    )


def _orders_usage(t: SafeText, overview: BillingOverview) -> Safe:
    plan, count = overview.plan, overview.usage.get("orders", 0)
    limit = plan.max_orders_per_month
    if limit is None or count < limit or not overview.enforced:
        return t("Orders this period: {count} of {limit}", count=count, limit=_limit(t, limit))
    until = format_date(overview.period_end.date(), "long", locale=t.locale)
    return t.n(
        "{count} order this period, the {plan} plan allows {limit}: new orders are refused "
        "until {date} or until you upgrade the plan.",
        "{count} orders this period, the {plan} plan allows {limit}: new orders are refused "
        "until {date} or until you upgrade the plan.",
        count,
        plan=PLAN_NAMES[plan.code],
        limit=limit,
        date=until,
    )


def _plan_card(t: SafeText, plan: Plan, overview: BillingOverview, csrf: str) -> Safe:
    facts = [
        tag("h2", PLAN_NAMES[plan.code]),
        tag("p", t("{price} a month per organization", price=_money(t, plan.monthly_price))),
        tag("p", t("Members: {limit}", limit=_limit(t, plan.max_members)), class_="muted"),
        tag(
            "p",
            t("Orders a month: {limit}", limit=_limit(t, plan.max_orders_per_month)),
            class_="muted",
        ),
        tag(
            "p",
            t("AI requests a month: {limit}", limit=_limit(t, plan.ai_calls_per_month)),
            class_="muted",
        ),
    ]
    if plan.monthly_price and overview.can_buy:
        facts.append(
            form(
                "/billing/checkout",
                csrf,
                Safe(f'<input type="hidden" name="plan" value="{plan.code}">'),
                field(t("Months"), f"months-{plan.code}", 1, "number", min=1, max=12),
                field(
                    t("E-mail for the receipt"), f"email-{plan.code}", "", "email", required=True
                ),
                button(t("Pay"), f"buy-{plan.code}"),
            )
        )
    css = "plan current" if plan.code == overview.plan.code else "plan"
    return tag("div", join(facts), class_=css)


def _plans(t: SafeText, overview: BillingOverview, csrf: str) -> Safe:
    cards = [_plan_card(t, plan, overview, csrf) for plan in PLANS.values()]
    hint = (
        ""
        if overview.can_buy
        else tag("p", t("Payments are not enabled on this server."), class_="muted")
    )
    return tag(
        "section", join([tag("h2", t("Plans")), hint, tag("div", join(cards), class_="plans")])
    )


def _payments(t: SafeText, overview: BillingOverview) -> Safe:
    rows = [
        tag(
            "tr",
            join(
                [
                    tag("td", format_date(p.created_at.date(), "medium", locale=t.locale)),
                    tag("td", PLAN_NAMES.get(p.plan, p.plan)),
                    tag("td", _money(t, p.amount)),
                    tag("td", p.status),
                ]
            ),
        )
        for p in overview.payments
    ]
    return tag("section", join([tag("h2", t("Payments")), tag("table", join(rows))]))
