"""Workers' absences and own hours in the client's free times (`core.client_loop.visits`):
a start at which a person is away or off work counts as busy for them, so a start is offered
only when someone who could do the order is at work then and has nothing else."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta

from core.availability.rules import local_day, unavailable, visit_length
from core.client_loop.slots import HORIZON, VISIT, WorkingHours, candidates
from core.domain import Organization
from core.ports import UnitOfWork


async def busy_or_away(
    uow: UnitOfWork,
    org: Organization,
    hours: WorkingHours,
    people: Sequence[int],
    busy: Mapping[int, Sequence[datetime]],
    now: datetime,
) -> dict[int, list[datetime]]:
    """`busy` plus, per person, every candidate start they cannot take (away that day, or
    outside their own hours)."""
    found = {p: list(busy.get(p, ())) for p in people}
    if not people:
        return found
    today = local_day(now, org.timezone)
    last = local_day(now + HORIZON, org.timezone) + timedelta(days=1)
    away = await uow.availability.absences(org.id, people, today, last)
    own = await uow.availability.hours(org.id, people)
    if not away and not own:
        return found
    length = max(visit_length(await uow.org_settings.preferences(org.id)), VISIT)
    starts = candidates(now, org.timezone, hours)
    for p in people:
        theirs = [a for a in away if a.user_id == p]
        mine = own.get(p, hours)
        found[p] += [s for s in starts if unavailable(s, org.timezone, length, mine, theirs)]
    return found
