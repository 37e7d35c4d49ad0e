"""Bot HTML as the page renders it: Telegram's tags survive, anything else is inert text."""

from __future__ import annotations

import pytest

from sandbox.emulator import TelegramEmulator
from sandbox.web.sanitize import linkify, safe_href, telegram_html
from sandbox.web.views import message_view


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("<b>b</b><strong>s</strong><i>i</i><em>e</em>",
         "<b>b</b><strong>s</strong><i>i</i><em>e</em>"),
        ("<u>u</u><ins>n</ins><s>s</s><strike>k</strike><del>d</del>",
         "<u>u</u><ins>n</ins><s>s</s><strike>k</strike><del>d</del>"),
        ("<code>x &lt; y</code>", "<code>x &lt; y</code>"),
        ('<pre><code class="language-python">print(1)</code></pre>',
         '<pre><code class="language-python">print(1)</code></pre>'),
        ("<blockquote expandable>quote</blockquote>", "<blockquote>quote</blockquote>"),
        ("<tg-spoiler>secret</tg-spoiler>", '<span class="tg-spoiler">secret</span>'),
        ('<span class="tg-spoiler">secret</span>', '<span class="tg-spoiler">secret</span>'),
        ('<a href="https://example.com/?a=1&amp;b=2">link</a>',
         '<a href="https://example.com/?a=1&amp;b=2" target="_blank" rel="noopener noreferrer">'
         "link</a>"),
        ('<a href="tg://user?id=42">Olga</a>',
         '<a href="tg://user?id=42" target="_blank" rel="noopener noreferrer">Olga</a>'),
        ("Tom &amp; Jerry &lt;3 &quot;hi&quot;", "Tom &amp; Jerry &lt;3 \"hi\""),
    ],
)  # fmt: skip
def test_telegram_formatting_is_kept(source, expected):
    assert telegram_html(source) == expected


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"),
        ('<a href="javascript:alert(1)">x</a>', "x"),
        ('<a href=" JaVaScRiPt:alert(1)">x</a>', "x"),
        ('<a href="java&#x0A;script:alert(1)">x</a>', "x"),
        ('<a href="data:text/html,hi">x</a>', "x"),
        ("<a>no href</a>", "no href"),
        ('<b onclick="steal()" style="color:red">bold</b>', "<b>bold</b>"),
        ('<img src=x onerror="alert(1)">', '&lt;img src=x onerror="alert(1)"&gt;'),
        ('<span class="evil" onmouseover="x()">t</span>', "t"),
        ('<code class="x" onclick="y()">c</code>', "<code>c</code>"),
        ("<iframe src='https://evil'></iframe>",
         "&lt;iframe src='https://evil'&gt;&lt;/iframe&gt;"),
        ("<!-- hidden -->", "&lt;!-- hidden --&gt;"),
        ("<b>left <i>open", "<b>left <i>open</i></b>"),
        ("</i>stray", "&lt;/i&gt;stray"),
        ("<b><i>crossed</b></i>", "<b><i>crossed</i></b>&lt;/i&gt;"),
        ("<tg-emoji emoji-id='5368324170671202286'>👍</tg-emoji>", "👍"),
    ],
)  # fmt: skip
def test_everything_else_is_stripped_or_escaped(source, expected):
    assert telegram_html(source) == expected


def test_urls_in_text_become_links_outside_code_and_links():
    html = telegram_html(
        "Join: https://t.me/astracrm_bot?start=inv_1. Or t.me/astracrm_bot "
        "<code>https://not.a/link</code> <a href='https://x.org'>https://shown.org</a>"
    )
    assert html.startswith(
        'Join: <a href="https://t.me/astracrm_bot?start=inv_1" target="_blank" '
        'rel="noopener noreferrer">https://t.me/astracrm_bot?start=inv_1</a>. Or '
        '<a href="https://t.me/astracrm_bot"'
    )
    assert "<code>https://not.a/link</code>" in html
    assert html.endswith('rel="noopener noreferrer">https://shown.org</a>')


def test_linkify_escapes_the_rest():
    assert linkify("<b> & http://x.y/?q=<1>") == (
        '&lt;b&gt; &amp; <a href="http://x.y/?q=" target="_blank" rel="noopener noreferrer">'
        "http://x.y/?q=</a>&lt;1&gt;"
    )


def test_safe_href_allows_only_web_and_tg_links():
    assert safe_href("https://example.com") == "https://example.com"
    assert safe_href("tg://resolve?domain=x") == "tg://resolve?domain=x"
    assert safe_href("\tjavascript:alert(1)") is None
    assert safe_href("vbscript:x") is None
    assert safe_href("") is None


async def test_message_views_of_both_sides():
    emulator = TelegramEmulator()
    olga = emulator.user(1, "Olga")
    await olga.send("<i>not formatting</i> https://example.com")
    markup = {
        "inline_keyboard": [
            [{"text": "Site", "url": "https://example.com"}],
            [{"text": "Copy", "copy_text": {"text": "INV-1"}}, {"text": "Pay", "pay": True}],
        ]
    }
    await emulator.call(
        "sendMessage", {"chat_id": 1, "text": "plain *text*", "reply_markup": markup}
    )
    await emulator.call("sendLocation", {"chat_id": 1, "latitude": 55.7, "longitude": 37.6})
    user, bot, location = (message_view(emulator.state, m) for m in olga.chat.messages.values())
    assert user["html"].startswith(
        '&lt;i&gt;not formatting&lt;/i&gt; <a href="https://example.com"'
    )
    assert bot["html"] == "plain *text*", "no parse mode: the text as it is"
    assert bot["buttons"] == [
        [{"label": "Site", "kind": "url", "value": "https://example.com"}],
        [
            {"label": "Copy", "kind": "copy", "value": "INV-1"},
            {"label": "Pay", "kind": "unsupported", "value": ""},
        ],
    ]
    assert location["media"] == {"kind": "location", "latitude": 55.7, "longitude": 37.6}
    assert (location["html"], location["text"]) == ("", "")
