"""How a message sent through one bot or another is kept on a client message's log
(core/ownbot/routing.py): an "on my way" edit later goes through the bot that sent it."""

from __future__ import annotations

from core.ownbot.routing import message_of, message_ref
from core.runtime.outbox import After, Delivery, Method


def test_a_sent_message_is_kept_with_its_bot_and_read_back():
    assert message_ref(0, 4512) == "4512"  # the shared bot's: as before own bots
    assert message_ref(3, 4512) == "3:4512"
    assert message_of("4512") == (0, 4512)
    assert message_of("3:4512") == (3, 4512)
    for odd in (None, "", "abc", "3:", ":12", "x:12", "3:4:5", "-1"):
        assert message_of(odd) is None, odd


def test_a_clients_message_names_its_organization_for_the_sender():
    after = Delivery(5, Method.SEND, {"text": "x"}, after=After.CLIENT_MESSAGE,
                     after_args={"org": 3, "message": 9})  # fmt: skip
    calendar = Delivery(5, Method.CALENDAR, {"filename": "v.ics", "client_org": 3})
    live = Delivery(5, Method.LIVE, {"org": 3, "order": 1, "edit": 2, "text": "x"})
    assert [after.client_org, calendar.client_org, live.client_org] == [3, 3, 3]
    assert Delivery(5, Method.SEND, {"text": "to staff"}).client_org is None
    stored = Delivery.from_json(5, "interactive", {"method": "send", "params": {"text": "x"}})
    assert stored.bot is None  # written before own bots: the sender decides
    assert Delivery.from_json(5, "interactive", {**stored.to_json(), "bot": 0}).bot == 0
