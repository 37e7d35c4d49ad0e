"""The order status machine and who may do what, with plain values."""

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from core.domain import Actor, Membership, Order, OrderStatus, Organization, Role, User
from core.errors import DomainError
from core.orders.edits import Field, editable_fields
from core.orders.rules import (
    OrderAction,
    available_actions,
    may_view,
    next_status,
    paid_in_full,
    require_action,
)

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
ORG = Organization(1, "Org", "Europe/Moscow", "RUB", "ru", "RU")


def _actor(user_id: int, role: Role, org_id: int = 1) -> Actor:
    user = User(user_id, 100 + user_id, "U", None, None, "en", None, org_id, NOW, NOW, "v")
    return Actor(
        user,
        ORG if org_id == 1 else Organization(org_id, "X", "UTC", "RUB", "en", "RU"),
        Membership(user_id, org_id, user_id, role, True, NOW),
    )


def _order(status: OrderStatus, assignee: int | None = None, offered: bool = False) -> Order:
    return Order(
        id=1,
        organization_id=1,
        number=7,
        client_id=None,
        category_id=None,
        status=status,
        address=None,
        latitude=None,
        longitude=None,
        scheduled_at=None,
        assignee_id=assignee,
        price_minor=None,
        paid_minor=0,
        payment_method=None,
        description=None,
        created_by=1,
        created_at=NOW,
        offered_at=NOW if offered else None,
    )


MANAGER, WORKER, OTHER = _actor(1, Role.MANAGER), _actor(2, Role.WORKER), _actor(3, Role.WORKER)
S, A = OrderStatus, OrderAction


@pytest.mark.parametrize(
    ("status", "action", "target"),
    [
        (S.NEW, A.ASSIGN, S.ASSIGNED),
        (S.ASSIGNED, A.START, S.IN_PROGRESS),
        (S.IN_PROGRESS, A.DONE, S.DONE),
        (S.NEW, A.CANCEL, S.CANCELLED),
        (S.ASSIGNED, A.CANCEL, S.CANCELLED),
        (S.IN_PROGRESS, A.CANCEL, S.CANCELLED),
        (S.DONE, A.PAY, S.DONE),
        (S.ASSIGNED, A.OFFER, S.NEW),
    ],
)
def test_legal_transitions(status, action, target):
    assert next_status(_order(status), action) is target


@pytest.mark.parametrize(
    ("status", "action"),
    [
        (S.NEW, A.START),
        (S.NEW, A.DONE),
        (S.DONE, A.START),
        (S.CANCELLED, A.ASSIGN),
        (S.DONE, A.CANCEL),
        (S.CANCELLED, A.CANCEL),
        (S.IN_PROGRESS, A.ASSIGN),
        (S.NEW, A.PAY),
    ],
)
def test_illegal_transitions_say_why(status, action):
    with pytest.raises(DomainError) as refused:
        next_status(_order(status), action)
    assert refused.value.code in {"order_transition", "order_already"}
    assert refused.value.params["number"] == 7


def test_done_twice_is_a_friendly_no_op():
    with pytest.raises(DomainError) as refused:
        next_status(_order(S.DONE), A.DONE)
    assert refused.value.code == "order_already"


def test_take_needs_an_offer():
    with pytest.raises(DomainError):
        next_status(_order(S.NEW), A.TAKE)
    assert next_status(_order(S.NEW, offered=True), A.TAKE) is S.ASSIGNED


def test_workers_act_only_on_their_own_orders():
    mine = _order(S.ASSIGNED, assignee=2)
    assert require_action(WORKER, mine, A.START) is S.IN_PROGRESS
    with pytest.raises(DomainError) as refused:
        require_action(OTHER, mine, A.START)
    assert refused.value.code == "forbidden"
    with pytest.raises(DomainError):
        require_action(WORKER, mine, A.CANCEL)
    with pytest.raises(DomainError):
        require_action(WORKER, _order(S.NEW), A.ASSIGN)


def test_buttons_follow_role_and_status():
    assert available_actions(WORKER, _order(S.ASSIGNED, 2)) == [A.START, A.PAY]
    assert available_actions(WORKER, _order(S.NEW, offered=True)) == [A.TAKE]
    assert available_actions(MANAGER, _order(S.NEW)) == [
        A.ASSIGN,
        A.CANCEL,
        A.RESCHEDULE,
        A.EDIT,
    ]
    assert A.START not in available_actions(MANAGER, _order(S.ASSIGNED, 2))
    assert available_actions(MANAGER, _order(S.CANCELLED)) == []


def test_visibility_and_tenant_isolation():
    assert may_view(MANAGER, _order(S.NEW))
    assert not may_view(WORKER, _order(S.NEW))
    assert may_view(WORKER, _order(S.NEW, offered=True))
    assert not may_view(OTHER, _order(S.ASSIGNED, 2))
    stranger = _actor(9, Role.OWNER, org_id=2)
    assert not may_view(stranger, _order(S.NEW))
    assert available_actions(stranger, _order(S.NEW)) == []


def test_only_owners_and_managers_edit_and_a_paid_order_stays_as_it_is():
    mine = _order(S.IN_PROGRESS, assignee=2)
    assert A.EDIT not in available_actions(WORKER, mine)
    with pytest.raises(DomainError) as refused:
        require_action(WORKER, mine, A.EDIT)
    assert refused.value.code == "forbidden"
    assert editable_fields(mine) == list(Field)
    done = replace(_order(S.DONE, assignee=2), price_minor=350_000)
    assert editable_fields(done) == [Field.PRICE]  # extra work or a discount, still to collect
    assert A.EDIT in available_actions(MANAGER, done)
    paid = replace(done, paid_minor=350_000)
    assert editable_fields(paid) == []
    assert A.EDIT not in available_actions(MANAGER, paid)
    assert available_actions(MANAGER, _order(S.CANCELLED)) == []


def test_paid_in_full_only_when_a_price_is_covered():
    done = _order(S.DONE)
    assert not paid_in_full(replace(done, price_minor=350000, paid_minor=100000))
    assert paid_in_full(replace(done, price_minor=350000, paid_minor=350000))
    assert paid_in_full(replace(done, price_minor=350000, paid_minor=400000))
    # without a price, a further part-payment can always be recorded
    assert not paid_in_full(replace(done, price_minor=None, paid_minor=100000))
