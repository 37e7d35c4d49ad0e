"""Small server-rendered HTML building blocks: every value is escaped here, so views compose
already-safe fragments (`Safe`) and never concatenate raw user data."""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence

from handlers.i18n import Translator

STYLE = """
body{font:15px/1.45 system-ui,sans-serif;margin:0;background:#f5f6f8;color:#1d2330}
header{background:#24324a;color:#fff;padding:12px 24px;display:flex;gap:24px;align-items:center}
header a{color:#cfe0ff;text-decoration:none}header .org{font-weight:600;flex:1}
main{max-width:880px;margin:24px auto;padding:0 16px}
section{background:#fff;border-radius:8px;padding:16px 20px;margin-bottom:18px;
box-shadow:0 1px 2px #0001}
h1{font-size:22px}h2{font-size:17px;margin-top:0}
label{display:block;margin:8px 0 2px;font-weight:500}
input[type=text],input[type=email],input[type=password],input[type=number],input[type=time],
select,textarea{width:100%;max-width:420px;padding:6px 8px;border:1px solid #c6ccd6;
border-radius:5px;font:inherit;box-sizing:border-box}
textarea{min-height:110px}
button{display:block;margin-top:10px;padding:7px 14px;border:0;border-radius:5px;
background:#2f6fed;color:#fff;font:inherit;cursor:pointer}
button.secondary{background:#e4e8ef;color:#1d2330}
.notice{padding:10px 14px;border-radius:6px;margin-bottom:16px}
.ok{background:#e3f6e8}.error{background:#fde8e8}.token{font-family:monospace;
word-break:break-all;background:#fff7d6}
table{border-collapse:collapse;width:100%}td,th{text-align:left;padding:5px 8px;
border-bottom:1px solid #eceff3}
.plans{display:flex;gap:14px;flex-wrap:wrap}.plan{flex:1;min-width:220px;
border:1px solid #dfe3ea;border-radius:8px;padding:12px}.current{border-color:#2f6fed}
.muted{color:#667085;font-size:13px}
"""


class Safe(str):
    """HTML that is already escaped or built from escaped parts."""

    __slots__ = ()


class SafeText:
    """A translator for pages: catalog text is trusted and its parameters come escaped, so
    the result is `Safe` and is not escaped a second time."""

    def __init__(self, translator: Translator) -> None:
        self.translator = translator
        self.locale = translator.locale

    def __call__(self, msgid: str, **params: object) -> Safe:
        return Safe(self.translator(msgid, **params))

    def n(self, singular: str, plural: str, count: int, **params: object) -> Safe:
        return Safe(self.translator.n(singular, plural, count, **params))


def esc(value: object) -> Safe:
    return value if isinstance(value, Safe) else Safe(html.escape(str(value), quote=True))


def tag(element: str, content: object = "", /, **attrs: object) -> Safe:
    """`<element attrs>content</element>`; attribute names use `_` for `-`; True is a flag."""
    parts = [element]
    for key, value in attrs.items():
        if value is None or value is False:
            continue
        attr = key.rstrip("_").replace("_", "-")
        parts.append(attr if value is True else f'{attr}="{esc(value)}"')
    return Safe(f"<{' '.join(parts)}>{esc(content)}</{element}>")


def join(parts: Iterable[object]) -> Safe:
    return Safe("".join(esc(part) for part in parts))


def form(action: str, csrf: str, *content: object, testid: str | None = None) -> Safe:
    hidden = Safe(f'<input type="hidden" name="csrf" value="{esc(csrf)}">')
    return tag("form", join([hidden, *content]), method="post", action=action, data_testid=testid)


def field(label: str, name: str, value: object = "", kind: str = "text", **attrs: object) -> Safe:
    box = Safe(
        tag("input", "", type=kind, name=name, id=name, value=value, **attrs).removesuffix(
            "</input>"
        )
    )
    return join([tag("label", label, for_=name), box])


def select(label: str, name: str, options: Sequence[tuple[str, str]], current: str) -> Safe:
    items = [
        tag("option", text, value=value, selected=value == current) for value, text in options
    ]
    return join([tag("label", label, for_=name), tag("select", join(items), name=name, id=name)])


def checkbox(label: str, name: str, checked: bool) -> Safe:
    box = Safe(
        f'<input type="checkbox" name="{esc(name)}" value="1"{" checked" if checked else ""}>'
    )
    return tag("label", join([box, " ", label]))


def button(text: str, testid: str | None = None, css: str | None = None) -> Safe:
    return tag("button", text, type="submit", data_testid=testid, class_=css)


def notice(text: str, kind: str = "ok") -> Safe:
    """`text` comes from a translator, which already escaped its parameters."""
    return tag("div", Safe(text), class_=f"notice {kind}", role="status", data_testid="notice")


def page(t: SafeText, title: str, body: Safe, org: str | None = None, owner: bool = True) -> str:
    """`owner`: the header links to the owner's settings pages; a manager's links to the board,
    the numbers and the map (the pages a manager may open)."""
    owners = (("Settings", "/settings"), ("Billing", "/billing"), ("Services", "/catalogue"))
    links = (
        [("Board", "/board"), *owners, ("Checklists", "/checklists")]
        if owner
        else [("Board", "/board"), ("Numbers", "/numbers"), ("Map", "/map")]
    ) + [("Sessions", "/sessions"), ("Sign-in security", "/security")]
    nav = join(
        [
            tag("span", org or "AstraCRM", class_="org"),
            *(tag("a", t(name), href=href) for name, href in links if org),
        ]
    )
    head = Safe(
        f'<meta charset="utf-8"><meta name="viewport" content="width=device-width">'
        f"<title>{esc(title)}</title><style>{STYLE}</style>"
    )
    main = tag("main", join([tag("h1", title), body]))
    return f'<!doctype html><html lang="{esc(t.locale)}"><head>{head}</head>' + (
        f"<body>{tag('header', nav)}{main}</body></html>"
    )
