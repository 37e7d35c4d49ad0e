"""The sandbox as a person uses it: an owner onboards by tapping buttons, invites a worker who
joins through the deep link, creates an order, offers it, and the worker takes it; an owner
opens the admin pages through /admin's sign-in link and goes on to the board; a manager opens
the board from their own /admin link."""

from __future__ import annotations

import re

from tests.browser.conftest import ARTIFACTS

MESSAGE = '[data-testid="message"]'


async def send(page, text: str) -> None:
    await page.fill('[data-testid="composer-input"]', text)
    await page.keyboard.press("Enter")


async def bot_says(page, text: str, wait_ms: float = 10_000):
    locator = page.locator(f'{MESSAGE}[data-from="bot"]').filter(has_text=text).last
    await locator.wait_for(timeout=wait_ms)
    return locator


async def tap(page, label: str) -> None:
    """The newest inline button whose label is `label`, or ends with it ("✓ Русский")."""
    exact = re.compile(rf"^(\S+ )?{re.escape(label)}$")
    button = page.locator('[data-testid="inline-button"]').filter(has_text=exact).last
    await button.click()


async def snap(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(ARTIFACTS / f"{name}.png"))


async def persona_id(page, first_name: str) -> int:
    personas = await page.evaluate("fetch('/api/personas').then(r => r.json())")
    items = personas["personas"] if isinstance(personas, dict) else personas
    return next(int(p["id"]) for p in items if p["first_name"] == first_name)


async def onboard_owner(page) -> None:
    await page.click('[data-testid="quick-olga"]')
    await send(page, "/start")
    await bot_says(page, "Выберите язык")
    await tap(page, "Русский")
    await bot_says(page, "16")
    await tap(page, "Мне есть 16")
    await bot_says(page, "конфиденциальность")
    await tap(page, "Принимаю")
    await bot_says(page, "Как называется")
    await send(page, "Чистый дом")
    await bot_says(page, "часовом поясе")
    await tap(page, "Москва (UTC+3)")
    await bot_says(page, "валюте")
    await tap(page, "RUB")
    await bot_says(page, "создана")
    await snap(page, "01-owner-onboarded")


async def invite_worker(page) -> None:
    await page.click('[data-testid="add-persona-button"]')
    await page.click('[data-testid="preset-ivan"]')
    ivan = await persona_id(page, "Ivan")
    olga = await persona_id(page, "Olga")
    await page.click(f'[data-testid="persona-{olga}"]')
    await send(page, "/invite")
    await bot_says(page, "Кого вы приглашаете")
    await tap(page, "Работник")
    link = (await bot_says(page, "t.me/astracrm_bot")).locator("a").filter(has_text="t.me").first
    await snap(page, "02-invite-link")
    await link.click()
    await page.click(f'[data-testid="open-as-{ivan}"]')
    await bot_says(page, "Выберите язык")
    await tap(page, "Русский")
    await tap(page, "Мне есть 16")
    await bot_says(page, "конфиденциальность")
    await tap(page, "Принимаю")
    await bot_says(page, "Вы вступили")
    await snap(page, "03-worker-joined")


async def create_and_offer_order(page) -> None:
    await page.click(f'[data-testid="persona-{await persona_id(page, "Olga")}"]')
    await send(page, "/neworder")
    await bot_says(page, "Кто клиент")
    await send(page, "+7 916 123-45-67")
    await bot_says(page, "Как его зовут")
    await send(page, "Пётр Сидоров")
    await bot_says(page, "Адрес?")
    await send(page, "Москва, ул. Сухонская, 11")
    await bot_says(page, "Что за работа")
    await tap(page, "Уборка")
    await bot_says(page, "Когда?")
    await tap(page, "Завтра")
    await bot_says(page, "Во сколько")
    await tap(page, "10:00")
    await bot_says(page, "Цена?")
    await send(page, "3500")
    await bot_says(page, "Что нужно знать")
    await tap(page, "Пропустить")
    await bot_says(page, "Проверьте новый заказ")
    await tap(page, "Создать")
    await bot_says(page, "Заказ №1 создан")
    await tap(page, "Назначить")
    await bot_says(page, "Кому назначить")
    await tap(page, "Предложить всем")
    await snap(page, "04-order-offered")


async def test_owner_invites_worker_who_takes_an_order(sandbox, page):
    await page.goto(sandbox.server.url + "/")
    await onboard_owner(page)
    await invite_worker(page)
    await create_and_offer_order(page)
    await page.click(f'[data-testid="persona-{await persona_id(page, "Ivan")}"]')
    await bot_says(page, "можно взять")
    await tap(page, "Взять")
    await page.locator('[data-testid="toast"]').filter(has_text="Заказ ваш").wait_for()
    await bot_says(page, "Сухонская")
    await snap(page, "05-worker-took-order")


async def test_owner_signs_in_to_the_admin_pages_from_the_sandbox(sandbox, page):
    await page.goto(sandbox.server.url + "/")
    await onboard_owner(page)
    await send(page, "/admin")
    message = await bot_says(page, "ссылка для входа")
    link = message.locator("a").filter(has_text="/signin/").first
    async with page.context.expect_page() as opened:
        await link.click()
    admin = await opened.value
    await admin.click('[data-testid="sign-in"]')
    await admin.wait_for_url("**/settings")
    assert await admin.input_value("#timezone") == "Europe/Moscow"
    await snap(admin, "06-admin-from-sandbox")
    await admin.click('header a[href="/board"]')
    await admin.wait_for_selector('[data-testid="live"][data-state="on"]')
    await admin.close()


async def test_a_manager_opens_the_board_from_the_sandbox(sandbox, page):
    await page.goto(sandbox.server.url + "/")
    await onboard_owner(page)
    await page.click('[data-testid="add-persona-button"]')
    await page.click('[data-testid="preset-mary"]')
    mary = await persona_id(page, "Mary")
    await page.click(f'[data-testid="persona-{await persona_id(page, "Olga")}"]')
    await send(page, "/invite")
    await bot_says(page, "Кого вы приглашаете")
    await tap(page, "Менеджер")
    await (
        (await bot_says(page, "t.me/astracrm_bot"))
        .locator("a")
        .filter(has_text="t.me")
        .first.click()
    )
    await page.click(f'[data-testid="open-as-{mary}"]')
    await bot_says(page, "Выберите язык")
    await tap(page, "Русский")
    await tap(page, "Мне есть 16")
    await bot_says(page, "конфиденциальность")
    await tap(page, "Принимаю")
    await bot_says(page, "Вы вступили")
    await send(page, "/admin")
    message = await bot_says(page, "на веб-доску")
    async with page.context.expect_page() as opened:
        await message.locator("a").filter(has_text="/signin/").first.click()
    board = await opened.value
    await board.click('[data-testid="sign-in"]')
    await board.wait_for_url("**/board")
    await board.wait_for_selector('[data-testid="live"][data-state="on"]')
    assert await board.locator('header a[href="/settings"]').count() == 0
    await snap(board, "07-manager-board-from-sandbox")
    await board.close()
