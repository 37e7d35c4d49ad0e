"""What a client answers to a reminder (issue 19, item 5), from their Telegram chat or the
client page: confirm the visit, move it to a free time, or cancel it with a reason.

Every answer names the organization, the order and the order's time the reminder was about
(`at`, minutes since the epoch): the tapping person must be linked in that organization as the
order's client (else `client_button_foreign`, nothing of the order is read out), and a
reminder about a time the order no longer has answers `OUTDATED`. One unit of work each.

- **Confirm**: an incoming `confirmation` in the client log and a `client_confirmed` event on
  the order (a new version, so two at once record one); the staff card shows it.
- **Move**: only a start `free_times` offers now (`core.client_loop.slots`); the order's time
  changes with a `reschedule` event (`by: client`, the old and new time) like a staff move, so
  the handler's client confirmation follows with the calendar SEQUENCE one higher; the
  assignee and the manager hear of it with both times (a `client_answer_notice` job).
- **Cancel**: with a reason, as the client page cancels (`core.client_loop.page`); the manager
  hears at once (the same job), the assignee too.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from core.changes import OrderUpdate
from core.client_loop.hours import WorkingHoursSetup
from core.client_loop.model import Channel, Direction, MessageKind
from core.client_loop.notices import NOTICE_JOB as NOTICE_JOB
from core.client_loop.page import CONFIRMED_EVENT, page_access
from core.client_loop.reasons import CancelReasons
from core.client_loop.visits import FOREIGN as FOREIGN
from core.client_loop.visits import Answer as Answer
from core.client_loop.visits import Outcome as Outcome
from core.client_loop.visits import (
    Visit,
    cancel_visit,
    free_times,
    from_minutes,
    incoming,
    linked_visit,
    move_visit,
    refusal,
)
from core.client_loop.visits import minutes as minutes
from core.domain import Order, Organization, Role, User
from core.ports import Clock, UnitOfWork, UowFactory

LEADS = frozenset({Role.OWNER, Role.MANAGER})


@dataclass(frozen=True, slots=True)
class StaffNotice:
    org: Organization
    order: Order
    people: tuple[User, ...]  # the assignee and the manager (or, without one, the leads)


class ClientAnswers(CancelReasons, WorkingHoursSetup):
    def __init__(self, uow: UowFactory, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def visit(self, uow: UnitOfWork, user_id: int, org_id: int, order_id: int) -> Visit:
        return await linked_visit(uow, user_id, org_id, order_id)

    async def staff_notice(self, org_id: int, order_id: int) -> StaffNotice | None:
        """Who hears what a client did: the order's assignee and its manager (the member who
        created it, if still an active owner or manager; else every active owner and
        manager). None: the organization or the order is gone."""
        async with self._uow() as uow:
            org = await uow.orgs.get(org_id)
            order = await uow.orders.get(org_id, order_id) if org is not None else None
            if org is None or order is None:
                return None
            team = [v for v in await uow.members.team(org_id) if v.membership.active]
        leads = [v.user for v in team if v.membership.role in LEADS]
        people = [v.user for v in team if v.user.id == order.assignee_id]
        manager = [u for u in leads if u.id == order.created_by]
        for user in manager or leads:
            if user.id not in {p.id for p in people}:
                people.append(user)
        return StaffNotice(org, order, tuple(people))

    async def confirm(self, user_id: int, org_id: int, order_id: int, at: int) -> Outcome:
        async with self._uow() as uow:
            visit = await self.visit(uow, user_id, org_id, order_id)
            if await _confirmed(uow, visit):
                return Outcome(Answer.ALREADY_CONFIRMED, visit.order, zone=visit.org.timezone)
            refused = refusal(visit, at)
            if refused is not None:
                return Outcome(refused, visit.order, zone=visit.org.timezone)
            now = self._clock.now()
            changed = await uow.orders.change(visit.order, now, OrderUpdate())
            if changed is None:
                return Outcome(Answer.CHANGED)
            await uow.client_loop.add_message(
                org_id, incoming(visit, MessageKind.CONFIRMATION), now
            )
            await uow.orders.add_event(changed, None, CONFIRMED_EVENT, {"by": "client"}, now)
            await uow.commit()
        return Outcome(Answer.CONFIRMED, changed, zone=visit.org.timezone)

    async def page_visit(self, uow: UnitOfWork, token: str) -> Visit:
        """The order of a client page token, checked as the page checks it."""
        access = await page_access(uow, token, self._clock.now())
        return Visit(access.org, access.order, access.page.client_id, Channel.PAGE)

    async def page_times(self, token: str) -> list[datetime]:
        """The free times the page lists (none when the visit cannot move)."""
        async with self._uow() as uow:
            visit = await self.page_visit(uow, token)
            if refusal(visit, None) is not None:
                return []
            return await free_times(uow, visit.org, visit.order, self._clock.now())

    async def page_move(self, token: str, to: int) -> Outcome:
        async with self._uow() as uow:
            visit = await self.page_visit(uow, token)
            outcome = await move_visit(uow, visit, None, from_minutes(to), self._clock.now())
            if outcome.answer is Answer.MOVED:
                await uow.commit()
        return outcome

    async def check(self, user_id: int, org_id: int, order_id: int, at: int) -> Outcome:
        """Whether the visit can still be answered (`MOVED` stands for "yes")."""
        async with self._uow() as uow:
            visit = await self.visit(uow, user_id, org_id, order_id)
        refused = refusal(visit, at)
        return Outcome(refused or Answer.MOVED, visit.order, zone=visit.org.timezone)

    async def times(
        self, user_id: int, org_id: int, order_id: int, at: int
    ) -> tuple[Outcome, list[datetime]]:
        """The free starts to offer (none when the order cannot move)."""
        async with self._uow() as uow:
            visit = await self.visit(uow, user_id, org_id, order_id)
            refused = refusal(visit, at)
            zone = visit.org.timezone
            if refused is not None:
                return Outcome(refused, visit.order, zone=zone), []
            found = await free_times(uow, visit.org, visit.order, self._clock.now())
        return Outcome(Answer.MOVED, visit.order, zone=zone), found

    async def move(self, user_id: int, org_id: int, order_id: int, at: int, to: int) -> Outcome:
        async with self._uow() as uow:
            visit = await self.visit(uow, user_id, org_id, order_id)
            outcome = await move_visit(uow, visit, at, from_minutes(to), self._clock.now())
            if outcome.answer is Answer.MOVED:
                await uow.commit()
        return outcome

    async def cancel(
        self, user_id: int, org_id: int, order_id: int, at: int, reason: str
    ) -> Outcome:
        async with self._uow() as uow:
            visit = await self.visit(uow, user_id, org_id, order_id)
            refused = refusal(visit, at)
            if refused is not None:
                return Outcome(refused, visit.order, zone=visit.org.timezone)
            outcome = await cancel_visit(uow, visit, reason, self._clock.now())
            if outcome.answer is Answer.CANCELLED:
                await uow.commit()
        return outcome


async def _confirmed(uow: UnitOfWork, visit: Visit) -> bool:
    messages = await uow.client_loop.order_messages(visit.org.id, visit.order.id)
    return any(
        m.direction is Direction.IN and m.kind is MessageKind.CONFIRMATION for m in messages
    )
