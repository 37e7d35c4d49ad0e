"""The client loop's pure rules: templates (variables, validation, rendering), the choice of
channel with its fallbacks, tokens, and what a client may see of an order (with a property
test that no view ever carries a staff-only field or another client's data)."""

from __future__ import annotations

from dataclasses import asdict
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.client_loop.channels import Reach, choose_channels, is_mobile, sms_number
from core.client_loop.model import (
    Channel,
    ClientLoopSettings,
    ConsentAction,
    ConsentEvent,
    MessageKind,
    Purpose,
    consent_state,
)
from core.client_loop.setup import checked_settings
from core.client_loop.templates import (
    DEFAULTS_EN,
    DEFAULTS_RU,
    EDITABLE,
    REQUIRED,
    TEMPLATE_MAX,
    VARIABLES,
    Problem,
    check,
    placeholders,
    render,
    validate,
)
from core.client_loop.tokens import (
    START_PAYLOAD,
    hash_token,
    looks_like_invite,
    looks_like_page,
    new_invite_token,
    new_page_token,
    page_expiry,
)
from core.client_loop.views import client_order_view, first_name_only, view_values
from core.domain import Order, OrderStatus, Organization, User
from core.errors import DomainError

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _problems(kind: MessageKind, body: str) -> list[tuple[Problem, str]]:
    return [(p.problem, p.name) for p in validate(kind, body)]


# Templates


def test_every_default_is_valid_in_both_languages():
    for kind in MessageKind:
        assert validate(kind, DEFAULTS_EN[kind]) == [], kind
        assert validate(kind, DEFAULTS_RU[kind]) == [], kind
        assert set(placeholders(DEFAULTS_RU[kind])) == set(placeholders(DEFAULTS_EN[kind]))


def test_required_variables_are_allowed_ones():
    for kind, required in REQUIRED.items():
        assert required <= VARIABLES[kind], kind
    assert MessageKind.CLIENT_MESSAGE not in EDITABLE
    assert "eta" in VARIABLES[MessageKind.ON_MY_WAY]
    assert "eta" not in VARIABLES[MessageKind.CONFIRMATION]
    assert "pay_link" in REQUIRED[MessageKind.PAYMENT_LINK]


def test_an_unknown_variable_is_named():
    assert _problems(MessageKind.CONFIRMATION, "{date} {time} {pay_link} {notes}") == [
        (Problem.UNKNOWN_VARIABLE, "pay_link"),
        (Problem.UNKNOWN_VARIABLE, "notes"),
    ]


def test_a_missing_required_variable_is_named():
    assert _problems(MessageKind.ON_MY_WAY, "{worker_first_name} is coming") == [
        (Problem.MISSING_VARIABLE, "eta")
    ]
    assert _problems(MessageKind.CONFIRMATION, "See you {date}") == [
        (Problem.MISSING_VARIABLE, "time")
    ]


@pytest.mark.parametrize(
    ("body", "position"), [("{eta", 0), ("eta}", 3), ("in {eta} {x{y}}", 9), ("{eta}}", 5)]
)
def test_unbalanced_braces_give_the_position(body, position):
    found = validate(MessageKind.ON_MY_WAY, body)
    assert [(p.problem, p.position) for p in found] == [(Problem.UNBALANCED_BRACES, position)]


def test_a_padded_name_is_read_as_the_name():
    assert validate(MessageKind.ON_MY_WAY, "in { eta }") == []
    assert _problems(MessageKind.ON_MY_WAY, "{eta} { b }") == [(Problem.UNKNOWN_VARIABLE, "b")]
    assert _problems(MessageKind.ON_MY_WAY, "{eta} {a-b}") == [(Problem.UNKNOWN_VARIABLE, "a-b")]


def test_escaped_braces_are_literal_text():
    body = "{{not a variable}} in {eta}"
    assert validate(MessageKind.ON_MY_WAY, body) == []
    assert render(MessageKind.ON_MY_WAY, body, {"eta": "5 min"}) == "{not a variable} in 5 min"


def test_too_long_and_empty():
    body = "{eta}" + "x" * TEMPLATE_MAX
    assert [p.problem for p in validate(MessageKind.ON_MY_WAY, body)] == [Problem.TOO_LONG]
    assert [p.problem for p in validate(MessageKind.ON_MY_WAY, "  \n")] == [Problem.EMPTY]


def test_check_raises_the_first_problem_as_a_domain_error():
    with pytest.raises(DomainError) as missing:
        check(MessageKind.PAYMENT_LINK, "Pay {amount}")
    assert missing.value.code == "template_missing_variable"
    assert missing.value.params == {"name": "pay_link"}
    with pytest.raises(DomainError) as braces:
        check(MessageKind.PAYMENT_LINK, "Pay {pay_link")
    assert braces.value.code == "template_braces"
    assert braces.value.params == {"position": 5}
    with pytest.raises(DomainError) as long:
        check(MessageKind.RECEIPT, "{amount}" * 200)
    assert long.value.code == "template_too_long"


def test_render_fills_values_and_drops_lines_left_without_any():
    body = DEFAULTS_EN[MessageKind.CONFIRMATION]
    text = render(
        MessageKind.CONFIRMATION,
        body,
        {"org_name": "Clean Home", "date": "03.03.2026", "time": "10:00", "address": "Main 1"},
    )
    assert text == "Clean Home: your order is booked for 03.03.2026 at 10:00.\nMain 1"
    with pytest.raises(DomainError):
        render(MessageKind.CONFIRMATION, "{secret}", {"secret": "x"})


def test_render_keeps_a_values_own_braces_and_lines():
    text = render(
        MessageKind.STAFF_MESSAGE, "{org_name}: {text}", {"org_name": "A", "text": "{x}\nb"}
    )
    assert text == "A: {x}\nb"


# Channels


def _event(channel, purpose, action, minute=0, event_id=1):
    at = NOW + timedelta(minutes=minute)
    return ConsentEvent(event_id, 1, 1, channel, purpose, action, None, at)


def test_mobile_numbers():
    assert is_mobile("+79161234567")
    assert not is_mobile("+74951234567")  # a Moscow landline
    assert is_mobile("+77011234567")  # Kazakhstan
    assert not is_mobile("+77272123456")  # an Almaty landline
    assert is_mobile("+77771234567") and is_mobile("+77471234567")
    assert is_mobile("+375291234567") and not is_mobile("+375171234567")  # Belarus
    assert is_mobile("+4915112345678")
    assert not is_mobile("89161234567") and not is_mobile(None)
    assert sms_number(("+74951234567", "+79161234567")) == "+79161234567"


def test_telegram_first_then_sms_then_email():
    reach = Reach(
        linked=True,
        telegram_consent=True,
        phones=("+79161234567",),
        email="a@example.com",
        sms_configured=True,
        email_configured=True,
    )
    assert choose_channels(reach) == (Channel.TELEGRAM, Channel.SMS, Channel.EMAIL)


def test_telegram_needs_the_link_and_its_consent():
    base = Reach(phones=("+79161234567",), sms_configured=True)
    assert choose_channels(Reach(linked=True, phones=base.phones, sms_configured=True)) == (
        Channel.SMS,
    )
    assert choose_channels(base) == (Channel.SMS,)


def test_sms_needs_a_mobile_number_and_a_provider():
    assert choose_channels(Reach(phones=("+74951234567",), sms_configured=True)) == ()
    assert choose_channels(Reach(phones=("+79161234567",), sms_configured=False)) == ()
    email_only = Reach(email="a@example.com", email_configured=True)
    assert choose_channels(email_only) == (Channel.EMAIL,)
    assert choose_channels(Reach(email="a@example.com")) == ()


def test_an_opt_out_removes_its_channel_and_a_later_consent_restores_it():
    stop = _event(Channel.SMS, Purpose.TRANSACTIONAL, ConsentAction.WITHDRAWN)
    reach = Reach(
        phones=("+79161234567",),
        email="a@example.com",
        sms_configured=True,
        email_configured=True,
        consents=consent_state([stop]),
    )
    assert choose_channels(reach) == (Channel.EMAIL,)
    again = _event(Channel.SMS, Purpose.TRANSACTIONAL, ConsentAction.BASIS, 5, 2)
    restored = Reach(**{**asdict_shallow(reach), "consents": consent_state([again, stop])})
    assert choose_channels(restored) == (Channel.SMS, Channel.EMAIL)


def asdict_shallow(reach: Reach) -> dict[str, object]:
    return {name: getattr(reach, name) for name in reach.__dataclass_fields__}


def test_a_telegram_stop_beats_the_link_consent():
    stop = _event(Channel.TELEGRAM, Purpose.TRANSACTIONAL, ConsentAction.WITHDRAWN)
    reach = Reach(linked=True, telegram_consent=True, consents=consent_state([stop]))
    assert choose_channels(reach) == ()


def test_marketing_needs_an_explicit_yes_everywhere():
    reach = Reach(
        linked=True,
        telegram_consent=False,
        phones=("+79161234567",),
        sms_configured=True,
    )
    assert choose_channels(reach, Purpose.MARKETING) == ()
    yes = _event(Channel.SMS, Purpose.MARKETING, ConsentAction.GRANTED)
    marketing = Reach(**{**asdict_shallow(reach), "consents": consent_state([yes])})
    assert choose_channels(marketing, Purpose.MARKETING) == (Channel.SMS,)


def test_a_required_basis_holds_back_sms_and_email():
    reach = Reach(phones=("+79161234567",), sms_configured=True, basis_required=True)
    assert choose_channels(reach) == ()
    basis = _event(Channel.SMS, Purpose.TRANSACTIONAL, ConsentAction.BASIS)
    recorded = Reach(**{**asdict_shallow(reach), "consents": consent_state([basis])})
    assert choose_channels(recorded) == (Channel.SMS,)


# Tokens and settings


def test_tokens_fit_telegram_start_payloads_and_are_hashed():
    tokens = {new_invite_token() for _ in range(50)}
    assert len(tokens) == 50
    for token in tokens:
        assert START_PAYLOAD.match(token) and len(token) <= 64 and looks_like_invite(token)
        assert len(hash_token(token)) == 64 and token not in hash_token(token)
    page = new_page_token()
    assert looks_like_page(page) and not looks_like_invite(page)
    assert not looks_like_invite("c_short") and not looks_like_page("../etc/passwd")


def test_a_page_of_a_closed_order_lives_only_the_grace_period():
    order = _order(status=OrderStatus.CANCELLED)
    assert page_expiry(order, NOW) == NOW + timedelta(days=3)
    assert page_expiry(_order(), NOW) == NOW + timedelta(days=90)


def test_settings_defaults_and_validation():
    default = ClientLoopSettings()
    assert default.reminder_at == "18:00" and default.rating_delay_minutes == 120
    assert default.sends(MessageKind.REMINDER) and not default.sends(MessageKind.REMINDER_2H)
    off = ClientLoopSettings(disabled=frozenset({MessageKind.RATING_REQUEST}), reminder_2h=True)
    assert not off.sends(MessageKind.RATING_REQUEST) and off.sends(MessageKind.REMINDER_2H)
    assert checked_settings(off) == off
    for wrong, code in (
        (ClientLoopSettings(reminder_at="25:00"), "time_of_day_invalid"),
        (ClientLoopSettings(rating_delay_minutes=-1), "rating_delay_range"),
        (ClientLoopSettings(rating_delay_minutes=20000), "rating_delay_range"),
    ):
        with pytest.raises(DomainError) as refused:
            checked_settings(wrong)
        assert refused.value.code == code


# What a client sees

ORG = Organization(7, "Чистый дом", "Asia/Yekaterinburg", "RUB", "ru", "RU")


def _order(**changes) -> Order:
    values = {
        "id": 11,
        "organization_id": ORG.id,
        "number": 5,
        "client_id": 3,
        "category_id": None,
        "status": OrderStatus.ASSIGNED,
        "address": "ул. Ленина, 1",
        "latitude": 56.8,
        "longitude": 60.6,
        "scheduled_at": NOW,
        "assignee_id": 21,
        "price_minor": 350000,
        "paid_minor": 100000,
        "payment_method": None,
        "description": "Помыть окна",
        "created_by": 20,
        "created_at": NOW,
    }
    values.update(changes)
    return Order(**values)  # type: ignore[arg-type]


def _user(user_id: int, first: str, last: str | None = None) -> User:
    return User(user_id, 1000 + user_id, first, last, "nick", "ru", "ru", 7, None, None, None)


def test_the_view_is_in_the_org_zone_with_the_first_name_only():
    view = client_order_view(
        _order(), 3, ORG, ClientLoopSettings(), _user(21, "Иван Петрович", "Сидоров")
    )
    assert view.time == "14:00" and view.date == "02.03.2026"  # UTC+5
    assert view.worker_first_name == "Иван"
    assert view.price_minor == 350000 and view.due_minor == 250000
    values = view_values(view, "Анна")
    assert values["worker_first_name"] == "Иван" and values["org_name"] == "Чистый дом"
    hidden = client_order_view(_order(), 3, ORG, ClientLoopSettings(show_prices=False))
    assert hidden.price_minor is None and hidden.paid_minor is None and hidden.due_minor is None
    assert first_name_only(None) is None


def test_another_clients_order_is_not_found():
    with pytest.raises(DomainError) as refused:
        client_order_view(_order(client_id=4), 3, ORG, ClientLoopSettings())
    assert refused.value.code == "not_found"
    other_org = Organization(8, "Другая", "UTC", "RUB", "ru", "RU")
    with pytest.raises(DomainError):
        client_order_view(_order(), 3, other_org, ClientLoopSettings())


# Markers that cannot occur in the shown fields (those are drawn from a separate alphabet).
_shown = st.text(alphabet="абвгдежзикл ", min_size=1, max_size=20)
_secret = st.text(alphabet="XYZ#%", min_size=3, max_size=12)


@settings(max_examples=200, deadline=None)
@given(
    address=_shown,
    work=_shown,
    first=_shown.filter(lambda s: s.split() != []),
    last=_secret,
    username=_secret,
    notes=_secret,
    other_staff=_secret,
    other_client=_secret,
    other_phone=st.from_regex(r"\+7999\d{7}", fullmatch=True),
    show_prices=st.booleans(),
    price=st.one_of(st.none(), st.integers(min_value=0, max_value=10**9)),
)
def test_a_view_never_holds_staff_only_fields_or_another_clients_data(
    address, work, first, last, username, notes, other_staff, other_client, other_phone,
    show_prices, price,
):  # fmt: skip
    """Whatever the order holds, the client's view holds only what is meant for them."""
    order = _order(address=address, description=work, price_minor=price)
    assignee = User(21, 1021, first, last, username, "ru", "ru", 7, None, None, None)
    view = client_order_view(order, 3, ORG, ClientLoopSettings(show_prices=show_prices), assignee)
    shown = " | ".join(str(v) for v in asdict(view).values())
    for secret in (last, username, notes, other_staff, other_client, other_phone):
        assert secret not in shown
    assert str(order.created_by) not in {str(v) for v in asdict(view).values()}
    assert view.worker_first_name == first.split()[0]
    fields = set(asdict(view))
    assert fields.isdisjoint(
        {"notes", "latitude", "longitude", "created_by", "assignee_id", "client_id", "phones"}
    )
    if not show_prices:
        assert view.price_minor is None and view.paid_minor is None
    else:
        assert view.price_minor == price
    # the same order seen as another client's: refused, nothing shown
    with pytest.raises(DomainError):
        client_order_view(order, 4, ORG, ClientLoopSettings(), assignee)
