"""The checklists page's HTML (pure): a form per kind of work with its checklist typed one
item per line (`core.checklists.rules.parse_line`: `* ` in front for required, `[photo]`,
`[number kWh]` at the end), saved as a whole; an empty list removes the checklist."""

from __future__ import annotations

from collections.abc import Sequence

from bot.admin.html import Safe, SafeText, button, form, join, page, tag
from core.checklists.model import CategoryChecklist
from core.checklists.rules import MAX_ITEMS, format_line

PATH = "/checklists"
TYPED_MAX = MAX_ITEMS * 160  # characters of a list read: 30 lines of text and marks


def _section(t: SafeText, csrf: str, found: CategoryChecklist) -> Safe:
    cid = found.category.id
    lines = "\n".join(format_line(item) for item in found.items)
    area = f"items-{cid}"
    body = form(
        f"{PATH}/{cid}", csrf,
        tag("label", t("Items, one per line"), for_=area),
        tag("textarea", lines, name="items", id=area, rows=8, maxlength=TYPED_MAX),
        button(t("Save checklist"), testid=f"save-{cid}"),
        testid=f"checklist-{cid}",
    )  # fmt: skip
    count = t.n("{count} item", "{count} items", len(found.items))
    head = tag("h2", join([found.category.name, " · ", count]))
    return tag("section", join([head, body]), id=f"category-{cid}")


def checklists_page(
    t: SafeText,
    org: str,
    csrf: str,
    lists: Sequence[CategoryChecklist],
    message: Safe | None = None,
) -> str:
    hint = tag(
        "p",
        t(
            "One item per line, at most {limit}. Put “* ” in front of a required item; end a "
            "line with [photo] for a photo or [number kWh] for a number with its unit. Orders "
            "made earlier keep their copy.",
            limit=MAX_ITEMS,
        ),
        class_="muted",
    )
    empty = tag("p", t("The organization has no kinds of work yet.")) if not lists else ""
    body = join([message or "", hint, empty, *(_section(t, csrf, found) for found in lists)])
    return page(t, t("Checklists"), body, org)
