"""Issue 25, item 4: a restricted client card shows the badge with the time in the
organization's zone and the note, offers "Lift restriction" instead of "Restrict processing"
(and no Telegram invitation), in English and Russian; the audit log names both actions."""

from __future__ import annotations

from datetime import UTC, datetime

from core.client_loop.channels import Reach, choose_channels
from core.client_loop.model import Channel, Purpose
from core.domain import Client
from core.privacy.model import AuditEvent
from core.views import ClientCard, client_view
from handlers import callbacks as cb
from handlers.i18n import Catalogs
from handlers.orders.cards import client_keyboard, client_text
from handlers.privacy.audit import audit_line

EN, RU = Catalogs().get("en"), Catalogs().get("ru")
AT = datetime(2026, 3, 3, 9, 0, tzinfo=UTC)
NOTE = "by phone on 3 March"


def _card(restricted: bool) -> ClientCard:
    client = Client(
        7, 1, "Анна", ("+79165550123",), None, None, AT,
        restricted_at=AT if restricted else None, restriction_note=NOTE if restricted else None,
    )  # fmt: skip
    return ClientCard(client_view(client, True), (), now=AT)


def _taps(markup) -> list[object]:
    return [cb.decode(b.callback_data) for row in markup.inline_keyboard for b in row]


def test_the_badge_and_the_lift_button_in_both_languages():
    for t, badge, asked in (
        (EN, "⛔ Processing restricted since", "Asked: by phone on 3 March"),
        (RU, "⛔ Обработка ограничена с", "Запрос: by phone on 3 March"),
    ):
        text = client_text(t, _card(True), "RUB", "Europe/Moscow")
        assert badge in text and asked in text and "12:00" in text
        everyday = _taps(client_keyboard(t, _card(True), True, invite=True))
        assert cb.ClientRights(7, 1) in everyday and cb.InviteClient(7) not in everyday
        taps = _taps(client_keyboard(t, _card(True), True, invite=True, rights=True))
        assert cb.ClientUnrestrict(7) in taps and cb.ClientEdit(7, "restrict") not in taps
        assert cb.ClientRights(7, 0) in taps  # Back to the everyday buttons
        free = client_text(t, _card(False), "RUB", "Europe/Moscow")
        assert badge not in free
        rights = _taps(client_keyboard(t, _card(False), True, rights=True))
        assert cb.ClientEdit(7, "restrict") in rights
        assert cb.ClientEdit(7, "restrict") not in _taps(client_keyboard(t, _card(False), True))


def test_no_channel_reaches_a_restricted_client():
    reach = Reach(
        linked=True, telegram_consent=True, phones=("+79165550123",), email="a@example.org",
        sms_configured=True, email_configured=True,
    )  # fmt: skip
    assert choose_channels(reach) == (Channel.TELEGRAM, Channel.SMS, Channel.EMAIL)
    restricted = Reach(**{**{f: getattr(reach, f) for f in reach.__slots__}, "restricted": True})
    assert choose_channels(restricted) == ()
    assert choose_channels(restricted, Purpose.MARKETING) == ()


def test_the_audit_log_names_restricting_and_lifting():
    for action, en, ru in (
        ("client.restricted", "restricted processing of client #7", "ограничил(а)"),
        ("client.restriction_lifted", "lifted the restriction of client #7", "снял(а)"),
    ):
        event = AuditEvent(1, 1, 2, action, "client", 7, {}, AT, "Olga")
        assert en in audit_line(EN, event, "UTC") and ru in audit_line(RU, event, "UTC")


def test_an_objection_badge_and_a_masked_correction_line():
    client = Client(7, 1, "Анна", (), None, None, AT, objected_at=AT)
    card = ClientCard(client_view(client, True), (), now=AT)
    assert "🤖 Objects to automated processing since" in client_text(EN, card, "RUB", "UTC")
    assert "🤖 Возражает против" in client_text(RU, card, "RUB", "UTC")
    assert cb.ClientObjection(7, 0) in _taps(client_keyboard(EN, card, True, rights=True))
    data = {"field": "phone", "old": "+791***67", "new": "+792***01"}
    event = AuditEvent(1, 1, 2, "client.edited", "client", 7, data, AT, "Olga")
    assert "phone of client #7: +791***67 → +792***01" in audit_line(EN, event, "UTC")
    assert "клиента №7: +791***67 → +792***01" in audit_line(RU, event, "UTC")
