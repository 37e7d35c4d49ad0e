"""Who gets a new message about an order change and who only sees their card change."""

import pytest

from core.orders.audiences import Audience, Delivery, Relation, delivery, new_messages

LEAD_QUIET = ("take", "start", "done", "pay", "assign", "offer", "cancel", "reschedule", "edit")


@pytest.mark.parametrize("event", LEAD_QUIET)
def test_a_lead_sees_the_progress_of_an_order_on_their_card_only(event):
    assert delivery(event, Relation.LEAD, is_actor=False, has_card=True) is Delivery.EDIT
    assert delivery(event, Relation.LEAD, is_actor=False, has_card=False) is Delivery.NONE


@pytest.mark.parametrize("event", ["untaken", "overdue", "client_reply", "payment_failed"])
def test_a_lead_gets_a_new_message_for_what_needs_them(event):
    for has_card in (True, False):
        assert delivery(event, Relation.LEAD, is_actor=False, has_card=has_card) is Delivery.NEW


def test_the_assignee_hears_of_what_changes_their_day():
    for event in ("assign", "reschedule", "edit", "cancel"):
        assert delivery(event, Relation.ASSIGNEE, is_actor=False, has_card=True) is Delivery.NEW
    for event in ("pay", "take", "start"):
        assert delivery(event, Relation.ASSIGNEE, is_actor=False, has_card=True) is Delivery.EDIT


def test_the_pool_hears_of_an_offer_and_the_actor_of_nothing_new():
    assert delivery("offer", Relation.POOL, is_actor=False, has_card=False) is Delivery.NEW
    assert delivery("take", Relation.POOL, is_actor=False, has_card=True) is Delivery.EDIT
    assert delivery("assign", Relation.ASSIGNEE, is_actor=True, has_card=True) is Delivery.EDIT
    assert delivery("overdue", Relation.LEAD, is_actor=True, has_card=False) is Delivery.NONE


def test_new_messages_for_one_order_from_creation_to_payment():
    leads = (1, 2, 3)
    workers = (10, 11)
    assert new_messages("offer", Audience(pool=workers, leads=leads), actor_id=1) == [10, 11]
    for event in ("take", "start", "done", "pay"):
        assert new_messages(event, Audience(assignee=10, leads=leads), actor_id=10) == []
    assert new_messages("assign", Audience(assignee=11, leads=leads), actor_id=1) == [11]


def test_each_person_counts_once_by_their_closest_relation():
    moved = Audience(assignee=11, former_assignee=10, pool=(10, 11), leads=(1, 11))
    assert moved.relations() == {
        11: Relation.ASSIGNEE,
        10: Relation.FORMER_ASSIGNEE,
        1: Relation.LEAD,
    }
    assert new_messages("assign", moved, actor_id=1) == [11, 10]
    cancelled = Audience(assignee=10, former_assignee=10, leads=(1, 2))
    assert new_messages("cancel", cancelled, actor_id=2) == [10]
    assert new_messages("overdue", cancelled, actor_id=None) == [1, 2]
