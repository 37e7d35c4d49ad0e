"""The User-Agent in short (core/admin/user_agent.py): the browsers and systems people sign
in from, Chromium's relatives told apart from Chrome, and nothing raised on anything else."""

from __future__ import annotations

import pytest

from core.admin.user_agent import USER_AGENT_MAX, Agent, capped, parse

WIN = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
MAC = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
CASES = [
    (WIN + "Chrome/120.0.0.0 Safari/537.36", Agent("Chrome 120", "Windows")),
    (WIN + "Chrome/120.0.0.0 Safari/537.36 Edg/120.0.2210.91", Agent("Edge 120", "Windows")),
    (
        WIN + "Chrome/118.0.0.0 YaBrowser/23.11.0.0 Safari/537.36",
        Agent("Yandex Browser 23", "Windows"),
    ),
    (WIN + "Chrome/119.0.0.0 Safari/537.36 OPR/105.0.0.0", Agent("Opera 105", "Windows")),
    (
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:121.0) Gecko/20100101 Firefox/121.0",
        Agent("Firefox 121", "Windows"),
    ),
    (MAC + "Version/17.1 Safari/605.1.15", Agent("Safari 17", "macOS")),
    (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1_2 like Mac OS X) AppleWebKit/605.1.15 "
        "(KHTML, like Gecko) Version/17.1.2 Mobile/15E148 Safari/604.1",
        Agent("Safari 17", "iOS 17"),
    ),
    (
        "Mozilla/5.0 (iPad; CPU OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
        "CriOS/119.0.6045.169 Mobile/15E148 Safari/604.1",
        Agent("Chrome 119", "iPadOS 16"),
    ),
    (
        "Mozilla/5.0 (Linux; Android 14; SM-S911B) AppleWebKit/537.36 (KHTML, like Gecko) "
        "SamsungBrowser/23.0 Chrome/115.0.0.0 Mobile Safari/537.36",
        Agent("Samsung Internet 23", "Android 14"),
    ),
    (
        "Mozilla/5.0 (Linux; Android 13; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/120.0.6099.43 Mobile Safari/537.36",
        Agent("Chrome 120", "Android 13"),
    ),
    (
        "Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0",
        Agent("Firefox 120", "Linux"),
    ),
    (
        "Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/120.0.0.0 Safari/537.36",
        Agent("Chrome 120", "ChromeOS"),
    ),
    ("curl/8.4.0", Agent(None, None)),
    ("python-httpx/0.27.0", Agent(None, None)),
    ("", Agent(None, None)),
]


@pytest.mark.parametrize(("header", "expected"), CASES)
def test_browser_and_system(header: str, expected: Agent) -> None:
    assert parse(header) == expected


def test_the_stored_header_is_printable_and_capped() -> None:
    assert capped(None) == ""
    assert capped("  Firefox/1\x00\n ") == "Firefox/1"
    assert len(capped("x" * 5000)) == USER_AGENT_MAX == 400
    assert parse("Chrome/9" + "\x00" * 10 + "9") == Agent("Chrome 99", None)
