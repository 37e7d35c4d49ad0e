"""Webhooks' pure rules: which order and client events are which webhook events and what a
body carries, the retry delays and the give-up and switch-off points, allowed URLs and
addresses, and the signature against docs/webhooks.md's own snippet."""

from __future__ import annotations

import itertools
import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from core.domain import Order, OrderStatus, PaymentMethod
from core.runtime.outbox import Lane
from core.webhooks.events import Envelope, EventType, order_data, order_events
from core.webhooks.model import Owner
from core.webhooks.policy import RetryPolicy
from core.webhooks.signing import headers, new_secret
from core.webhooks.urls import check_url, public, refused
from handlers.i18n import Catalogs
from handlers.webhooks import disabled_notice

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
E = EventType


def documented_verify():  # type: ignore[no-untyped-def]
    """The receiver's snippet exactly as docs/webhooks.md shows it."""
    text = Path(__file__).parents[2].joinpath("docs/webhooks.md").read_text()
    (code,) = [c for c in re.findall(r"```python\n(.*?)```", text, re.S) if "def verify" in c]
    scope: dict[str, object] = {}
    exec(code, scope)
    return scope["verify"]


def test_the_documented_snippet_verifies_a_signature_and_refuses_tampering():
    verify = documented_verify()
    secret, body = new_secret(), '{"id":"e1","type":"order.paid"}'
    stamp = int(NOW.timestamp())
    sent = headers(secret, stamp, "e1", body)
    assert sent["X-Event-Id"] == "e1" and sent["X-Signature"].startswith("sha256=")
    old = 10**9  # the test's clock is not the wall clock: the age check is the snippet's own
    assert verify(secret, sent["X-Timestamp"], body.encode(), sent["X-Signature"], old)
    assert not verify(secret, sent["X-Timestamp"], body.encode() + b" ", sent["X-Signature"], old)
    assert not verify(secret, str(stamp + 1), body.encode(), sent["X-Signature"], old)
    assert not verify(new_secret(), sent["X-Timestamp"], body.encode(), sent["X-Signature"], old)
    assert not verify(secret, sent["X-Timestamp"], body.encode(), sent["X-Signature"])  # stale


def test_order_events_map_to_webhook_events():
    assert order_events("created", {"status": "new"}) == [E.ORDER_CREATED]
    assigned = order_events("assign", {"from": "new", "to": "assigned", "assignee_id": 3})
    assert assigned == [E.ORDER_ASSIGNED, E.ORDER_STATUS_CHANGED]
    assert order_events("take", {"from": "new", "to": "assigned"})[0] is E.ORDER_ASSIGNED
    assert order_events("start", {"from": "assigned", "to": "in_progress"}) == [
        E.ORDER_STATUS_CHANGED
    ]
    assert order_events("pay", {"from": "done", "to": "done", "amount_minor": 5}) == [E.ORDER_PAID]
    assert order_events("client_rated", {"stars": 5, "comment": "ok"}) == [E.RATING_RECEIVED]
    assert order_events("edit", {"field": "address"}) == []
    # `from`/`to` of a reschedule are times, of an edit the field's values: not statuses
    moved = {"from": "2026-03-02T09:00:00+00:00", "to": "2026-03-03T09:00:00+00:00"}
    assert order_events("reschedule", {**moved, "by": "client"}) == []
    assert order_events("edit", {"field": "description", "from": "new", "to": "done"}) == []
    assert order_events("cancel", {"from": "assigned", "to": "cancelled", "by": "client"}) == [
        E.ORDER_STATUS_CHANGED
    ]
    assert order_events("staff_wrote", {}) == []


def test_a_body_carries_no_personal_details():
    order = Order(
        7, 1, 12, 5, None, OrderStatus.DONE, "ул. Тихая, 5", 55.7, 37.6, NOW, 3, 350000, 0,
        PaymentMethod.CASH, "ключ под ковриком", 2, NOW,
    )  # fmt: skip
    data = order_data(order, "client_rated", {"stars": 2, "comment": "грязно", "by": "client"})
    body = Envelope("e1", E.RATING_RECEIVED, NOW, 1, data).body()
    document = json.loads(body)
    assert document["occurred_at"] == "2026-03-02T09:00:00Z"
    assert document["data"]["rating"] == {"stars": 2}
    for private in ("Тихая", "ключ", "грязно", "55.7"):
        assert private not in body
    paid = order_data(order, "pay", {"amount_minor": 1000, "method": "card"})
    assert paid["payment"] == {"amount_minor": 1000, "method": "card"}


def test_retries_grow_for_a_day_and_failures_switch_off():
    policy = RetryPolicy()
    delays = [policy.delay(n) for n in range(1, 12)]
    assert delays[:3] == [timedelta(seconds=30), timedelta(minutes=1), timedelta(minutes=2)]
    assert all(a <= b for a, b in itertools.pairwise(delays))
    assert max(delays) == timedelta(hours=4)
    assert policy.next_try(1, NOW, NOW) == NOW + timedelta(seconds=30)
    assert policy.next_try(12, NOW, NOW + timedelta(hours=21)) is None  # past 24 h
    assert not policy.disables(19, NOW, NOW + timedelta(hours=1))
    assert policy.disables(20, NOW, NOW + timedelta(hours=1))
    assert policy.disables(3, NOW, NOW + timedelta(hours=24))


def test_urls_and_addresses():
    assert check_url("https://hooks.example/x", allow_private=False) == "https://hooks.example/x"
    assert check_url("http://127.0.0.1:8000/x", allow_private=True)
    for bad in ("http://hooks.example/x", "javascript:alert(1)", "https://", "https://a@b.c/"):
        with pytest.raises(ValueError):
            check_url(bad, allow_private=False)
    # Plainly private hosts are refused when a subscription is made, before any DNS.
    local_hosts = (
        "https://10.0.0.1/x", "https://[::1]/x", "https://169.254.169.254/x",
        "https://localhost/x", "https://a.localhost/x", "https://nas.local/x",
        "https://db.internal/x", "https://intranet/x", "https://[::ffff:127.0.0.1]/x",
    )  # fmt: skip
    for local in local_hosts:
        with pytest.raises(ValueError):
            check_url(local, allow_private=False)
        assert check_url(local, allow_private=True) == local
    assert check_url("https://8.8.8.8/hook", allow_private=False)
    assert public("8.8.8.8") and public("2a00:1450:4010::64")
    for private in ("127.0.0.1", "10.1.2.3", "192.168.0.1", "172.16.0.1", "169.254.169.254",
                    "::1", "fe80::1%eth0", "fc00::1", "0.0.0.0", "::ffff:127.0.0.1", "224.0.0.1",
                    "100.64.0.1"):  # fmt: skip
        assert not public(private), private
    assert refused(["8.8.8.8", "10.0.0.1"], allow_private=False)  # any private one refuses
    assert not refused(["127.0.0.1"], allow_private=True)
    assert refused([], allow_private=True)


def test_the_owners_switch_off_message_in_english_and_russian():
    notice = disabled_notice(Catalogs("ru"))
    en, ru, default = notice(
        [Owner(1, "en"), Owner(2, "ru"), Owner(3, "")], "https://h.example/?a=1&b=2"
    )
    assert en.chat_id == 1 and en.lane is Lane.BROADCAST
    assert str(en.params["text"]).startswith(
        "⚠️ Webhook deliveries to https://h.example/?a=1&amp;b=2"
    )
    assert str(ru.params["text"]).startswith("⚠️ Вебхуки на https://h.example/?a=1&amp;b=2")
    assert "Settings → Webhooks" in str(en.params["text"])
    assert "Настройки → Вебхуки" in str(ru.params["text"])
    assert default.params["text"] == ru.params["text"]  # the deployment's default language
