"""Telegram-HTML to browser-HTML: only Telegram's formatting survives, everything else is text.

The emulator already refuses bot HTML Telegram would refuse, but the page renders this with
`innerHTML`, so it is sanitised again here as defence in depth: an allow-list of tags, no
attributes except a checked `href`, the spoiler class and a code language class.
"""

from __future__ import annotations

import html
import re
import urllib.parse
from html.parser import HTMLParser

_PLAIN_TAGS = frozenset(
    ("b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "pre", "blockquote")
)
# Telegram tags that may arrive with attributes we cannot keep: the tag goes, its text stays.
_DROPPED_TAGS = frozenset(("a", "span", "tg-spoiler", "code", "tg-emoji"))
_LINK_SCHEMES = frozenset(("http", "https", "tg"))
_NO_LINKIFY = frozenset(("a", "code", "pre"))
_LANGUAGE = re.compile(r"language-[A-Za-z0-9_+#-]{1,32}")
_URL = re.compile(r"""(?:https?://|\bt\.me/)[^\s<>"']+""", re.IGNORECASE)
_TRAILING = ".,;:!?)]}'\""
_CONTROL = re.compile(r"[\x00-\x20\x7f]")


def safe_href(url: str | None) -> str | None:
    """The URL if its scheme is http, https or tg (after stripping what browsers ignore)."""
    if not url:
        return None
    cleaned = _CONTROL.sub("", url)
    try:
        scheme = urllib.parse.urlsplit(cleaned).scheme.lower()
    except ValueError:
        return None
    return cleaned if scheme in _LINK_SCHEMES else None


def _anchor(href: str) -> str:
    return f'<a href="{html.escape(href)}" target="_blank" rel="noopener noreferrer">'


def linkify(text: str) -> str:
    """Escape plain text, turning URLs into links the way Telegram clients auto-detect them."""
    out: list[str] = []
    position = 0
    for match in _URL.finditer(text):
        url = match.group(0).rstrip(_TRAILING)
        start, end = match.start(), match.start() + len(url)
        href = url if "://" in url else f"https://{url}"
        out.append(html.escape(text[position:start], quote=False))
        out.append(f"{_anchor(href)}{html.escape(url, quote=False)}</a>")
        position = end
    out.append(html.escape(text[position:], quote=False))
    return "".join(out)


class _Sanitizer(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        # Every open Telegram tag, with the closing markup it emitted ("" if it was dropped).
        self.stack: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in _PLAIN_TAGS and tag not in _DROPPED_TAGS:
            self.out.append(html.escape(self.get_starttag_text() or f"<{tag}>", quote=False))
            return
        opening = _opening(tag, dict(attrs))
        self.out.append(opening)
        closing = f"</{_element(tag)}>" if opening else ""
        self.stack.append((tag, closing))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag in _PLAIN_TAGS or tag in _DROPPED_TAGS:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if not any(open_tag == tag for open_tag, _ in self.stack):
            self.out.append(html.escape(f"</{tag}>", quote=False))
            return
        while self.stack:  # close anything left open inside it, as browsers would
            open_tag, closing = self.stack.pop()
            self.out.append(closing)
            if open_tag == tag:
                return

    def handle_data(self, data: str) -> None:
        if any(tag in _NO_LINKIFY for tag, _ in self.stack):
            self.out.append(html.escape(data, quote=False))
        else:
            self.out.append(linkify(data))

    def handle_comment(self, data: str) -> None:
        self.out.append(html.escape(f"<!--{data}-->", quote=False))

    def handle_decl(self, decl: str) -> None:
        self.out.append(html.escape(f"<!{decl}>", quote=False))

    def handle_pi(self, data: str) -> None:
        self.out.append(html.escape(f"<?{data}>", quote=False))

    def unknown_decl(self, data: str) -> None:
        self.out.append(html.escape(f"<![{data}]>", quote=False))

    def result(self) -> str:
        self.close()
        while self.stack:
            self.out.append(self.stack.pop()[1])
        return "".join(self.out)


def _element(tag: str) -> str:
    return "span" if tag == "tg-spoiler" else tag


def _opening(tag: str, attrs: dict[str, str | None]) -> str:
    """The markup that opens `tag` with only the attributes we allow ("" to drop the tag)."""
    if tag in _PLAIN_TAGS:
        return f"<{tag}>"
    if tag == "a":
        href = safe_href(attrs.get("href"))
        return _anchor(href) if href else ""
    if tag == "tg-spoiler" or (tag == "span" and attrs.get("class") == "tg-spoiler"):
        return '<span class="tg-spoiler">'
    if tag == "code":
        language = attrs.get("class") or ""
        return f'<code class="{language}">' if _LANGUAGE.fullmatch(language) else "<code>"
    return ""


def telegram_html(source: str) -> str:
    """Browser-safe HTML for a Telegram HTML text (unknown markup is shown as literal text)."""
    sanitizer = _Sanitizer()
    sanitizer.feed(source)
    return sanitizer.result()
