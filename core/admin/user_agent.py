"""What a browser's User-Agent says about it, in short: the browser with its major version
and the operating system ("Chrome 120", "Windows"), for the sessions page and the "new
sign-in" message. A small set of rules, no database of agents: a string it does not know
gives None (the page says "Unknown browser"), never an error.

Order matters: browsers built on Chromium carry "Chrome/" and "Safari/" too (Edge, Opera,
Yandex, Samsung), and Chrome on iOS carries "Safari/"; the more specific token wins. The raw
string is kept only up to `USER_AGENT_MAX` characters (a header can be kilobytes)."""

from __future__ import annotations

import re
from dataclasses import dataclass

USER_AGENT_MAX = 400

# (name, the token with its version); the first match wins.
_BROWSERS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (name, re.compile(pattern))
    for name, pattern in (
        ("Yandex Browser", r"YaBrowser/(\d+)"),
        ("Edge", r"Edg(?:e|A|iOS)?/(\d+)"),
        ("Opera", r"(?:OPR|Opera)/(\d+)"),
        ("Samsung Internet", r"SamsungBrowser/(\d+)"),
        ("Firefox", r"(?:Firefox|FxiOS)/(\d+)"),
        ("Chrome", r"(?:Chrome|CriOS)/(\d+)"),
        ("Safari", r"Version/(\d+)[\d.]* (?:Mobile/\S+ )?Safari/"),
    )
)
_WINDOWS = re.compile(r"Windows (?:NT|Phone)")
_ANDROID = re.compile(r"Android (\d+)")
_IOS = re.compile(r"(iPhone|iPad|iPod)[^)]*? OS (\d+)")
_MAC = re.compile(r"Mac OS X")
_CHROME_OS = re.compile(r"CrOS")
_LINUX = re.compile(r"Linux|X11")


@dataclass(frozen=True, slots=True)
class Agent:
    browser: str | None  # "Chrome 120"; None when not recognised
    os: str | None  # "Windows", "Android 14", "iOS 17", "macOS", "Linux"; None likewise


def capped(user_agent: str | None) -> str:
    """The header as stored: printable characters only, at most `USER_AGENT_MAX` of them."""
    text = "".join(c for c in (user_agent or "") if c.isprintable())
    return text.strip()[:USER_AGENT_MAX]


def _browser(text: str) -> str | None:
    for name, pattern in _BROWSERS:
        found = pattern.search(text)
        if found:
            return f"{name} {found.group(1)}"
    return None


def _os(text: str) -> str | None:
    if _WINDOWS.search(text):
        return "Windows"
    found = _IOS.search(text)
    if found:
        return f"{'iPadOS' if found.group(1) == 'iPad' else 'iOS'} {found.group(2)}"
    found = _ANDROID.search(text)
    if found:
        return f"Android {found.group(1)}"
    if _CHROME_OS.search(text):
        return "ChromeOS"
    if _MAC.search(text):
        return "macOS"
    if _LINUX.search(text):
        return "Linux"
    return None


def parse(user_agent: str | None) -> Agent:
    text = capped(user_agent)
    return Agent(_browser(text), _os(text))
