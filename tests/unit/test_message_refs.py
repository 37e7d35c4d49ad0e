"""How a message sent through one bot or another is kept on a client message's log
(core/ownbot/routing.py): an "on my way" edit later goes through the bot that sent it."""

from __future__ import annotations

from core.ownbot.routing import message_of, message_ref


def test_a_sent_message_is_kept_with_its_bot_and_read_back():
    assert message_ref(0, 4512) == "4512"  # the shared bot's: as before own bots
    assert message_ref(3, 4512) == "3:4512"
    assert message_of("4512") == (0, 4512)
    assert message_of("3:4512") == (3, 4512)
    for odd in (None, "", "abc", "3:", ":12", "x:12", "3:4:5", "-1"):
        assert message_of(odd) is None, odd
