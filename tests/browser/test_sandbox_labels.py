"""The sandbox page speaks the language of the persona whose chat is open: Russian buttons,
placeholders and hints for a Russian persona (at once after a reload too), English for an
English one."""

from __future__ import annotations

from playwright.async_api import expect

from tests.browser.test_sandbox_browser import persona_id

SEND = '[data-testid="send-button"]'
INPUT = '[data-testid="composer-input"]'


async def _speaks(page, language: str) -> None:
    # a locator assertion, not wait_for_function: polling a string predicate is eval, which
    # the page's Content-Security-Policy (script-src 'self') refuses once it has to poll
    await expect(page.locator("html")).to_have_attribute("lang", language)


async def test_the_page_speaks_the_language_of_the_open_persona(sandbox, page):
    await page.goto(sandbox.server.url + "/")
    assert await page.get_attribute(SEND, "title") == "Send"
    await page.click('[data-testid="quick-olga"]')  # a Russian persona
    await _speaks(page, "ru")
    assert await page.get_attribute(SEND, "title") == "Отправить"
    assert await page.get_attribute(INPUT, "placeholder") == "Сообщение"
    assert await page.inner_text('[data-testid="start-button"]') == "ЗАПУСТИТЬ"
    assert await page.inner_text('[data-testid="add-persona-button"]') == "+ персона"
    assert (await page.inner_text('[data-testid="chat-persona"]')).startswith("от имени Olga")
    await page.reload()  # the address names the persona: the server renders Russian at once
    assert await page.get_attribute("html", "lang") == "ru"
    assert await page.get_attribute(SEND, "title") == "Отправить"
    await page.click('[data-testid="add-persona-button"]')
    await page.click('[data-testid="preset-mary"]')  # an English one
    await page.click(f'[data-testid="persona-{await persona_id(page, "Mary")}"]')
    await _speaks(page, "en")
    assert await page.get_attribute(SEND, "title") == "Send"
    assert await page.get_attribute(INPUT, "placeholder") == "Message"
    await page.click(f'[data-testid="persona-{await persona_id(page, "Olga")}"]')
    await _speaks(page, "ru")
    assert await page.inner_text('[data-testid="chat-status"]') == "бот"
