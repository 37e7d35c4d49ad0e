"""The emulator's strict Telegram-HTML parser and its sliding-window rate limiter."""

from __future__ import annotations

import pytest

from sandbox.emulator import BotApiError
from sandbox.emulator.markup import parse_html, render_text, utf16_len
from sandbox.emulator.ratelimit import RateLimiter, RateLimits


@pytest.mark.parametrize(
    ("source", "text", "entities"),
    [
        ("plain & simple > ok", "plain & simple > ok", []),
        ("&lt;b&gt; &amp;amp; &quot; &#65;&#x42; &nbsp;", '<b> &amp; " AB &nbsp;', []),
        ("<b>B</b><strong>S</strong>", "BS", [("bold", 0, 1), ("bold", 1, 1)]),
        (
            "<i>i</i><em>e</em><u>u</u><ins>n</ins>",
            "ieun",
            [("italic", 0, 1), ("italic", 1, 1), ("underline", 2, 1), ("underline", 3, 1)],
        ),
        (
            "<s>a</s><strike>b</strike><del>c</del>",
            "abc",
            [("strikethrough", 0, 1), ("strikethrough", 1, 1), ("strikethrough", 2, 1)],
        ),
        (
            '<span class="tg-spoiler">x</span><tg-spoiler>y</tg-spoiler>',
            "xy",
            [("spoiler", 0, 1), ("spoiler", 1, 1)],
        ),
        (
            "<code>c</code><pre>p</pre><blockquote>q</blockquote>",
            "cpq",
            [("code", 0, 1), ("pre", 1, 1), ("blockquote", 2, 1)],
        ),
        ('<tg-emoji emoji-id="5368324170671202286">👍</tg-emoji>', "👍", [("custom_emoji", 0, 2)]),
        ("😀<B>x</B>", "😀x", [("bold", 2, 1)]),
        ("<b>outer <i>inner</i></b>", "outer inner", [("bold", 0, 11), ("italic", 6, 5)]),
        ("<b></b>x", "x", []),
    ],
)
def test_valid_html(source, text, entities):
    parsed_text, parsed = parse_html(source)
    assert parsed_text == text
    assert [(e["type"], e["offset"], e["length"]) for e in parsed] == entities


def test_link_language_and_expandable_quote_arguments():
    _, link = parse_html('<a href="https://x.io/?a=1&amp;b=2">go</a>')
    _, pre = parse_html('<pre><code class="language-python">x = 1</code></pre>')
    _, quote = parse_html("<blockquote expandable>long</blockquote>")
    assert link == [
        {"type": "text_link", "offset": 0, "length": 2, "url": "https://x.io/?a=1&b=2"}
    ]
    assert pre == [{"type": "pre", "offset": 0, "length": 5, "language": "python"}]
    assert quote[0]["type"] == "expandable_blockquote"


@pytest.mark.parametrize(
    ("source", "reason"),
    [
        ("1 < 2", 'Unsupported start tag "" at byte offset 2'),
        ("Привет <Имя>", 'Unsupported start tag "Имя" at byte offset 13'),
        ("<script>x</script>", 'Unsupported start tag "script" at byte offset 0'),
        ("<b>x", 'Can\'t find end tag corresponding to start tag "b"'),
        ("x</b>", "Unexpected end tag at byte offset 1"),
        ("<b>x</i>", 'Unmatched end tag at byte offset 4, expected "</b>", found "</i>"'),
        ("<b", "Unclosed start tag at byte offset 0"),
        ('<a href="x>y</a>', "Unclosed start tag at byte offset 0"),
        ("<a href>y</a>", 'Expected equal sign in declaration of an attribute of the tag "a"'),
        ("<span>x</span>", 'Tag "span" must have class "tg-spoiler"'),
        ("<b>x</b", "Unclosed end tag at byte offset 4"),
    ],
)
def test_invalid_html(source, reason):
    with pytest.raises(BotApiError) as caught:
        parse_html(source)
    assert caught.value.status == 400
    assert caught.value.description.startswith(f"Bad Request: can't parse entities: {reason}")


def test_render_text_modes():
    assert render_text("<b>x</b>", None) == ("<b>x</b>", [])
    assert render_text("*x*", "MarkdownV2") == ("*x*", [])
    assert render_text("<b>x</b>", "html")[0] == "x"
    with pytest.raises(BotApiError, match="unsupported parse_mode"):
        render_text("x", "BBCode")


def test_utf16_length():
    assert (utf16_len("abc"), utf16_len("я"), utf16_len("😀")) == (3, 1, 2)


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_sliding_window_per_chat_and_overall():
    clock = Clock()
    limiter = RateLimiter(RateLimits(per_chat=2, overall=3, tolerance=0.05, burst=2), clock)
    for chat in (1, 1, 2):
        limiter.check(chat)
        limiter.record(chat)
        clock.now += 0.1
    with pytest.raises(BotApiError, match="retry after 1"):
        limiter.check(1)
    with pytest.raises(BotApiError):
        limiter.check(3), "overall limit"
    clock.now = 0.95
    limiter.check(1)
    limiter.check(3)
