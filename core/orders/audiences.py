"""Who hears about an order change, and how.

The rule: a person gets a NEW message (one that notifies) only for what needs them; for
everything else the card of the order they already have is EDITED in place (silently), and if
they have none, NOTHING is sent: the digest sums it up.

What needs whom:
- the assignee: being given an order, and their order moved, edited (address, work, price,
  description) or cancelled;
- the former assignee: the order given to someone else, moved or cancelled;
- a worker of the pool: an order offered to all;
- an owner or a manager (a lead): an order from the pool nobody took, an order overdue, a
  client's reply, a failed payment, a line added, changed or removed (its total changed; the
  assignee hears of one a manager made). Taking, starting, finishing and paying an order need no
  lead: their live card of the order follows in place.
The person who made the change never gets a new message about it.

The order's client (linked in Telegram, with consent) hears of the order being booked, moved
and cancelled (`CLIENT_EVENTS`; `core.client_loop.confirm` says whether and how), nothing else
of the staff's work.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass


class Relation(enum.StrEnum):
    ASSIGNEE = "assignee"  # holds the order after the change
    FORMER_ASSIGNEE = "former_assignee"  # held it before the change, holds it no more
    POOL = "pool"  # a worker the order is offered to
    LEAD = "lead"  # an owner or a manager: dispatches and follows


class Delivery(enum.StrEnum):
    NEW = "new"  # a new message
    EDIT = "edit"  # the card they already have, edited in place
    NONE = "none"  # nothing now: the digest sums it up


NEEDS: dict[Relation, frozenset[str]] = {
    Relation.ASSIGNEE: frozenset({"assign", "reschedule", "edit", "cancel", "line", "line_edit"}),
    Relation.FORMER_ASSIGNEE: frozenset({"assign", "reschedule", "cancel"}),
    Relation.POOL: frozenset({"offer"}),
    Relation.LEAD: frozenset(
        {"untaken", "overdue", "client_reply", "payment_failed", "line", "line_edit"}
    ),
}
LEAD_EVENTS = NEEDS[Relation.LEAD]
CLIENT_EVENTS = frozenset({"created", "reschedule", "cancel"})


def delivery(event: str, relation: Relation, *, is_actor: bool, has_card: bool) -> Delivery:
    """How one person learns of one event on an order."""
    if not is_actor and event in NEEDS[relation]:
        return Delivery.NEW
    return Delivery.EDIT if has_card else Delivery.NONE


@dataclass(frozen=True, slots=True)
class Audience:
    """The people an order change may concern (user ids)."""

    assignee: int | None = None
    former_assignee: int | None = None
    pool: Sequence[int] = ()
    leads: Sequence[int] = ()

    def relations(self) -> dict[int, Relation]:
        """Each person once, by their closest relation to the order."""
        found: dict[int, Relation] = {}
        ranked: Iterable[tuple[Relation, Iterable[int | None]]] = (
            (Relation.ASSIGNEE, [self.assignee]),
            (Relation.FORMER_ASSIGNEE, [self.former_assignee]),
            (Relation.POOL, self.pool),
            (Relation.LEAD, self.leads),
        )
        for relation, people in ranked:
            for person in people:
                if person is not None:
                    found.setdefault(person, relation)
        return found


def new_messages(event: str, audience: Audience, actor_id: int | None) -> list[int]:
    """Whom to send a new message about `event`, in a stable order (everyone else: edits)."""
    return [
        person
        for person, relation in audience.relations().items()
        if delivery(event, relation, is_actor=person == actor_id, has_card=True) is Delivery.NEW
    ]
