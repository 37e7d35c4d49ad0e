"""What the client's side of linking draws: the link and its QR code, the welcome with the
client's view of an order, the consent buttons and the client's command menu."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import segno

from core.client_loop.model import Purpose
from core.client_loop.views import ClientOrderView
from core.domain import OrderStatus, Organization
from handlers import callbacks as cb
from handlers.client_loop.invite import deep_link, invite_button
from handlers.client_loop.welcome import consent_keyboard, welcome_text
from handlers.delivery.qr import qr_png
from handlers.i18n import Catalogs
from handlers.menus import COMMANDS, client_menu

EN, RU = Catalogs().get("en"), Catalogs().get("ru")
ORG = Organization(7, "Чистый <дом>", "Europe/Moscow", "RUB", "ru", "RU")
TOKEN = "c_" + "a" * 32


def _view(**changes):
    values = {
        "organization_id": 7,
        "org_name": ORG.name,
        "order_id": 3,
        "number": 12,
        "status": OrderStatus.ASSIGNED,
        "starts_at": datetime(2026, 3, 5, 7, 0, tzinfo=UTC).astimezone(ZoneInfo(ORG.timezone)),
        "address": "ул. Сухонская, 11",
        "work": "Уборка",
        "worker_first_name": "Иван",
        "currency": "RUB",
    }
    return ClientOrderView(**(values | changes))


def test_the_link_and_its_qr_code():
    link = deep_link("astra_bot", TOKEN)
    assert link == f"https://t.me/astra_bot?start={TOKEN}"
    png = qr_png(link)
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    width = int.from_bytes(png[16:20], "big")
    assert 200 <= width <= 400  # large enough to scan from a screen, small enough to send
    # The picture is the link's own code: the same link draws the same code, another one not,
    # and its size is that of this text's symbol at medium error correction.
    assert qr_png(link) == png and qr_png(link.replace("a", "b", 1)) != png
    symbol = segno.make_qr(link, error="m")
    assert width == (symbol.symbol_size(border=4)[0]) * 8


def test_the_invite_button_is_order_bound_from_the_order_card():
    assert cb.decode(invite_button(RU, 5).callback_data) == cb.InviteClient(5)
    on_order = invite_button(RU, 5, 9)
    assert cb.decode(on_order.callback_data) == cb.InviteOrderClient(5, 9)
    assert on_order.text == "🔗 Пригласить клиента в Telegram"


def test_the_welcome_shows_the_order_in_the_organizations_zone_escaped():
    text = welcome_text(RU, ORG, _view())
    assert "Чистый &lt;дом&gt;" in text and "№12" in text
    assert "10:00" in text  # 07:00 UTC in Moscow
    assert "Сухонская" in text and "Уборка" in text and "Мастер: Иван" in text
    english = welcome_text(EN, ORG, _view(worker_first_name=None, address=None))
    assert "Hello" in english and "Specialist" not in english and "📍" not in english


def test_the_welcome_without_an_order_names_only_the_organization():
    text = welcome_text(EN, ORG, None)
    assert "order №" not in text.lower() and "Чистый &lt;дом&gt;" in text


def test_consent_buttons_carry_the_organization_and_the_purpose():
    markup = consent_keyboard(EN, 7, Purpose.TRANSACTIONAL)
    (yes,), (no,) = markup.inline_keyboard
    assert yes.text == "✅ Yes, send me order updates" and no.text == "No, thanks"
    assert cb.decode(yes.callback_data) == cb.ClientConsent(7, "t", 1)
    assert cb.decode(no.callback_data) == cb.ClientConsent(7, "t", 0)
    (news,), _ = consent_keyboard(RU, 7, Purpose.MARKETING).inline_keyboard
    assert cb.decode(news.callback_data) == cb.ClientConsent(7, "m", 1)


def test_a_clients_menu_is_start_stop_help_and_no_staff_command():
    names = [name for name, _ in client_menu(RU)]
    assert names == ["start", "stop", "help"]
    staff = {c.name for c in COMMANDS} - {"start", "help"}
    assert not staff & set(names)
    assert all(description for _, description in client_menu(RU))
