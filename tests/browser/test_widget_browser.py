"""Issue 21, item 4: the order widget in headless Chromium. A shop's page on another origin,
under a strict Content-Security-Policy (scripts only from the CRM, no inline styles), embeds
`<astra-order-widget>` from the CRM's admin server: the catalogue fills the select, the phone
is masked as typed, the request is sent and the success screen shows; a headless element on
the same page submits through `__ASTRA_WIDGET_API__`. The organization requires the e-mail
and a preferred time, picked on the organization's (Moscow's) clock; the floating button
shows its icon. The owner sees both requests in the
emulated Telegram. A widget on a page whose origin is not on the list is refused (CORS)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.routing import Route

from core.domain import TelegramProfile
from tests.e2e.conftest import E2E_START, admin_settings, local_bot, make_settings
from tests.e2e.scenario import create_org
from tests.fakes.dadata import FakeDaData
from tests.fakes.server import FakeService

DADATA_KEY = "org-dadata-key"
POLICY = "https://example.com/privacy"


@pytest.fixture
async def crm(tmp_path):
    base = make_settings(f"sqlite:///{tmp_path}/crm.db", tmp_path)
    local = local_bot(base.model_copy(update={"admin_port": 0}))
    await local.start()
    yield local
    await local.stop()


class Shop(FakeService):
    """Another origin: a page that embeds the widget (`html` set by the test)."""

    def __init__(self) -> None:
        super().__init__([Route("/", self._page)])
        self.html = ""
        self.policy = ""

    async def _page(self, _request: Request) -> HTMLResponse:
        return HTMLResponse(self.html, headers={"content-security-policy": self.policy})


def _page(admin: str, key: str) -> str:
    return f"""<!doctype html><html lang="ru"><head><meta charset="utf-8">
<script src="{admin}/widget/v1/astra-widget.js"></script></head><body>
<astra-order-widget id="form" mode="embedded" theme="dark" locale="ru"
  api-url="{admin}/api/public/v1" api-key="{key}" policy-version="2025-01"></astra-order-widget>
<astra-order-widget id="bare" mode="headless" api-url="{admin}/api/public/v1"
  api-key="{key}"></astra-order-widget>
</body></html>"""


async def test_a_shop_page_embeds_the_widget_and_the_owner_sees_the_request(crm, page):
    olga = crm.emulator.user(2201, "Ольга", language_code="ru")
    await create_org(olga)
    services = crm.container.services
    owner = await services.users.identify(TelegramProfile(2201, "Ольга", language_code="ru"))
    admin = crm.admin.url
    async with Shop() as shop:
        origin = shop.url.rstrip("/")
        required = ["email", "preferred_time", "comment"]
        configured = await services.intake_settings.configure(
            owner, True, "draft", [origin], required
        )
        key = configured.public_key
        shop.html = _page(admin, key)
        shop.policy = f"default-src 'none'; script-src {admin}; connect-src {admin}"
        violations: list[str] = []
        page.on(
            "console", lambda m: violations.append(m.text) if "Security Policy" in m.text else None
        )
        await page.clock.install(time=E2E_START)  # the bot's clock: the form's min and max
        await page.goto(shop.url)
        form = page.locator("#form")
        assert await form.get_attribute("data-theme") == "dark"
        await page.locator("#ow-serviceId option", has_text="Уборка").wait_for(state="attached")
        await page.fill("#ow-clientName", "Анна")
        await page.locator("#ow-clientPhone").press_sequentially("89161234567")
        assert await page.input_value("#ow-clientPhone") == "+7 (916) 123-45-67"
        await page.select_option("#ow-serviceId", label="Уборка")
        await page.fill("#ow-description", "Помыть окна после ремонта")
        await page.click("form button[type=submit]")
        await page.locator(".error", has_text="Нужно ваше согласие.").wait_for()
        # The organization requires the e-mail and the time; the time is Moscow's.
        assert await page.locator(".error", has_text="Заполните это поле.").count() == 2
        assert await page.get_by_text("Часовой пояс: Europe/Moscow").is_visible()
        assert await page.get_attribute("#ow-preferredAt", "min") == "2026-03-04T09:30"
        await page.fill("#ow-email", "anna@example.com")
        await page.fill("#ow-preferredAt", "2026-03-06T14:30")
        await page.check("input[name=consent]")
        await page.clock.fast_forward(5000)  # a person's pace: past the minimum fill time
        await page.click("form button[type=submit]")
        await page.get_by_text("Спасибо! Заявка отправлена.").wait_for()
        message = await olga.reply()
        assert message.text.startswith("🌐 Новая заявка с сайта:")
        assert "Помыть окна после ремонта" in message.text and "Анна" in message.text
        first = (await services.orders.by_number(owner, 1)).order
        assert first.scheduled_at == datetime(2026, 3, 6, 11, 30, tzinfo=UTC)  # 14:30 MSK
        result = await page.evaluate(
            """async () => {
              const api = document.querySelector('#bare').__ASTRA_WIDGET_API__;
              const categories = await api.loadServices();
              api.setFormData({clientPhone: '8 916 765-43-21', description: 'Headless',
                               consent: true, email: 'x@example.com',
                               preferredAt: '2026-03-07T10:00'});
              api.selectService(categories[0].id);
              const errors = api.validate();
              return {errors, valid: api.isValid(), sent: await api.submit(),
                      step: api.getCurrentStep()};
            }"""
        )
        assert result["valid"] and result["errors"] == {} and result["step"] == "success"
        assert result["sent"]["orderId"] and result["sent"]["state"] == "draft"
        assert "Headless" in (await olga.reply()).text
        assert violations == []
        await services.intake_settings.configure(owner, True, "draft", ["https://other.example"])
        refused = await page.evaluate(
            """async () => {
              const api = document.querySelector('#bare').__ASTRA_WIDGET_API__;
              return (await api.loadServices()).length;
            }"""
        )
        assert refused == 0


@pytest.fixture
async def crm_dadata(tmp_path):
    async with FakeDaData(api_key=DADATA_KEY) as dadata:
        settings = admin_settings(
            f"sqlite:///{tmp_path}/crm.db", tmp_path, dadata_base_url=dadata.base_url
        )
        local = local_bot(settings.model_copy(update={"privacy_policy_url": POLICY}))
        await local.start()
        yield local
        await local.stop()


async def test_the_floating_widget_in_english_with_address_suggestions(crm_dadata, page):
    """The floating button opens the form in English (light theme); typing an address offers
    DaData's suggestions through our server with the organization's key; the picked one and
    its coordinates go with the request."""
    crm = crm_dadata
    olga = crm.emulator.user(2211, "Ольга", language_code="ru")
    await create_org(olga)
    services = crm.container.services
    owner = await services.users.identify(TelegramProfile(2211, "Ольга", language_code="ru"))
    await services.org_settings.set_credential(owner, "dadata_token", DADATA_KEY)
    admin = crm.admin.url
    async with Shop() as shop:
        origin = shop.url.rstrip("/")
        key = (await services.intake_settings.configure(owner, True, "draft", [origin])).public_key
        shop.html = f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<script>window.ASTRA_WIDGET_PUBLIC_KEY = "{key}";</script>
<script src="{admin}/widget/v1/astra-widget.js"></script></head><body>
<astra-order-widget mode="floating" locale="en" position="bottom-left"
  button-text="Need help?" button-icon="chat"></astra-order-widget></body></html>"""
        shop.policy = (
            f"default-src 'none'; script-src 'unsafe-inline' {admin}; connect-src {admin}"
        )
        await page.clock.install()
        await page.goto(shop.url)
        assert await page.locator("button .icon").text_content() == "💬"
        await page.get_by_role("button", name="Need help?").click()
        await page.get_by_text("Request a service").wait_for()
        await page.locator("#ow-serviceId option", has_text="Уборка").wait_for(state="attached")
        await page.locator("#ow-clientPhone").press_sequentially("9167654321")
        assert await page.input_value("#ow-clientPhone") == "+7 (916) 765-43-21"
        await page.select_option("#ow-serviceId", label="Уборка")
        await page.fill("#ow-description", "Clean the flat")
        await page.locator("#ow-address").press_sequentially("Сухонская")
        await page.clock.run_for(400)  # the suggestions' pause
        suggestion = page.locator("li[role=option]").first
        await suggestion.wait_for()
        picked = await suggestion.text_content()
        assert "Sukhonskaya" in picked  # DaData in the widget's language
        await suggestion.click()
        assert await page.input_value("#ow-address") == picked
        await page.check("input[name=consent]")
        await page.clock.fast_forward(5000)
        await page.click("form button[type=submit]")
        await page.get_by_text("Thank you! Your request is sent.").wait_for()
    message = await olga.reply()
    assert "Clean the flat" in message.text and picked in message.text
    order = (await services.orders.by_number(owner, 1)).order
    assert order.latitude is not None and order.longitude is not None  # from the suggestion
