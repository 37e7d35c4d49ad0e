"""The client page's section while an order's total changed on site waits for the client's
approval (issue 20, item 4): the order's lines, the new total, "Approve" and "Decline" (once
declined: what happens next)."""

from __future__ import annotations

from bot.admin.html import Safe, SafeText, esc, join, tag
from core.catalogue.approval import PageApproval
from handlers.formatting import money
from handlers.orders.line_render import line_text


def approve_section(t: SafeText, asked: PageApproval, action: str, hidden: dict[str, str]) -> Safe:
    tt = t.translator
    total = money(tt, asked.total_minor, asked.currency)
    rows = [tag("li", line_text(tt, line, asked.currency)) for line in asked.lines]
    inputs = join(
        Safe(f'<input type="hidden" name="{esc(name)}" value="{esc(value)}">')
        for name, value in [*hidden.items(), ("total", str(asked.total_minor))]
    )
    submit = tag("button", t("Approve {total}", total=total), type="submit", data_testid="approve")
    form = tag("form", join([inputs, submit]), method="post", action=f"{action}/approve")
    no = tag("button", t("Decline"), type="submit", data_testid="decline")
    decline = tag("form", join([inputs, no]), method="post", action=f"{action}/decline")
    parts = [
        tag("h1", t("The total has changed")),
        tag("p", t("The work was changed on site. The new total is {total}.", total=total)),
    ]
    if rows:
        parts.append(tag("ul", join(rows), data_testid="lines"))
    if asked.declined:
        said = t("You declined it. The organization will get in touch.")
        return tag("section", join([*parts, tag("p", said)]), data_testid="approval")
    return tag("section", join([*parts, form, decline]), data_testid="approval")
