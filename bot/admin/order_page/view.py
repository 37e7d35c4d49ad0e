"""The order page: the card as the bot shows it (its text is the bot's own, already escaped),
the files as thumbnails with a viewer (CSS only: a thumbnail opens its image by #anchor), the
messages with the client, the history, and the edit forms."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from babel.dates import format_datetime

from bot.admin.html import Safe, SafeText, esc, join, page, tag
from bot.admin.order_page.files import INLINE
from core.client_loop.model import ClientMessage, Direction
from core.domain import Attachment
from core.views import OrderCard
from handlers.formatting import megabytes

STYLESHEET = "/orders/order.css"
Link = Callable[[Attachment, str], str]


def _when(t: SafeText, moment: datetime, zone: str) -> str:
    return format_datetime(moment.astimezone(ZoneInfo(zone)), "d MMM, HH:mm", locale=t.locale)


def _file(t: SafeText, f: Attachment, link: Link) -> Safe:
    name = f.file_name or f.caption or f"{f.kind} {f.id}"
    download = tag("a", t("Download the file"), href=link(f, "download"), data_testid="download")
    if f.mime not in INLINE:
        size = megabytes(t.translator, f.size)
        return tag("li", join([tag("a", name, href=link(f, "download")), f" · {size}"]))
    thumb = tag(
        "a",
        Safe(f'<img src="{esc(link(f, "thumb"))}" alt="{esc(name)}" loading="lazy">'),
        href=f"#file-{f.id}",
        class_="thumb",
    )
    viewer = tag(
        "div",
        join(
            [
                tag("a", "×", href="#files", class_="close", aria_label=t("Close the image")),
                Safe(f'<img src="{esc(link(f, "view"))}" alt="">'),
                tag("p", join([name, " · ", download])),
            ]
        ),
        id=f"file-{f.id}",
        class_="viewer",
    )
    return tag("li", join([thumb, viewer]), class_="photo")


def files_section(t: SafeText, files: Sequence[Attachment], link: Link) -> Safe:
    items = [_file(t, f, link) for f in files]
    body = tag("ul", join(items), class_="files") if items else tag("p", t("No files yet."))
    return tag("section", join([tag("h2", t("Files of the order")), body]), id="files")


def messages_section(t: SafeText, messages: Sequence[ClientMessage], zone: str) -> Safe:
    rows = []
    for m in messages:
        arrow = "→" if m.direction is Direction.OUT else "←"
        head = f"{_when(t, m.created_at, zone)} {arrow} {m.channel.value} · {m.status.value}"
        rows.append(tag("li", join([tag("div", head, class_="muted"), tag("div", m.body)])))
    body = (
        tag("ul", join(rows), class_="messages")
        if rows
        else tag("p", t("No messages with the client yet."))
    )
    return tag("section", join([tag("h2", t("Messages with the client")), body]))


def order_page(
    t: SafeText,
    card: OrderCard,
    card_text: str,
    history: str,
    sections: Sequence[Safe],
    owner: bool = True,
) -> str:
    """`card_text` and `history` are the bot's renderings (escaped, Telegram's few tags)."""
    org = card.organization
    top = tag("section", tag("div", Safe(card_text), class_="card-text", data_testid="card"))
    past = tag("section", tag("div", Safe(history), class_="card-text", data_testid="history"))
    body = join([top, *sections, past])
    title = t("Card of order №{number}", number=card.order.number)
    html = page(t, title, body, org.name, owner)
    return html.replace("</head>", f'<link rel="stylesheet" href="{STYLESHEET}"></head>', 1)
