"""The numbers of a period: gathered by the one function the owner's digest uses too, so the
Numbers page and the digest never disagree, plus revenue by local day for the page's chart."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta

from core.domain import Actor
from core.errors import DomainError
from core.notifications.digest import Facts
from core.notifications.schedule import local_date
from core.numbers.rules import (
    MAX_PERIOD_DAYS,
    average_rating,
    by_local_day,
    count_visits,
    local_window,
)
from core.permissions import Action, require
from core.ports import Clock, UnitOfWork, UowFactory


async def gather(
    uow: UnitOfWork, org_ids: Collection[int], start: datetime, end: datetime
) -> dict[int, Facts]:
    """Counts, revenue by method, done per worker, clients' ratings per worker and the visits
    (on time, returning clients) in [start, end) for every organization in `org_ids`."""
    current = await uow.digests.numbers(org_ids, start, end)
    rated = await uow.client_loop.ratings_by_worker(list(org_ids), start, end)
    visits = await uow.digests.visits(org_ids, start, end)
    for org_id in set(rated) | set(visits):
        current[org_id] = replace(
            current.get(org_id, Facts()),
            ratings=rated.get(org_id, {}),
            visits=count_visits(visits.get(org_id, ())),
        )
    return current


@dataclass(frozen=True, slots=True)
class Report:
    """One organization's numbers for the local days first..last."""

    first: date
    last: date
    currency: str
    facts: Facts
    revenue_by_day: dict[date, int]
    workers: dict[int, str] = field(default_factory=dict)

    @property
    def rating(self) -> tuple[int, int]:
        return average_rating(self.facts.ratings)

    @property
    def done_by_worker(self) -> list[tuple[int, int]]:
        """(worker, orders done), the busiest first, then by name."""
        return sorted(
            self.facts.done_by_worker.items(),
            key=lambda kv: (-kv[1], self.workers.get(kv[0], ""), kv[0]),
        )


def check_period(first: date, last: date) -> None:
    if last < first or (last - first).days >= MAX_PERIOD_DAYS:
        raise DomainError("period_range", limit=MAX_PERIOD_DAYS)


class NumbersService:
    def __init__(self, uow: UowFactory, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    def default_period(self, actor: Actor, days: int = 7) -> tuple[date, date]:
        """The last `days` local days, today included."""
        assert actor.organization is not None
        today = local_date(self._clock.now(), actor.organization.timezone)
        return today - timedelta(days=days - 1), today

    async def report(self, actor: Actor, first: date, last: date) -> Report:
        require(actor, Action.DIGEST_VIEW)
        check_period(first, last)
        org = actor.organization
        assert org is not None
        start, end = local_window(first, last, org.timezone)
        async with self._uow() as uow:
            facts = (await gather(uow, {org.id}, start, end)).get(org.id, Facts())
            paid = await uow.digests.payments(org.id, start, end)
            shown = {*facts.done_by_worker, *facts.ratings}
            names = await uow.digests.names(shown) if shown else {}
        days = by_local_day(paid, org.timezone, first, last)
        return Report(first, last, org.currency, facts, days, names)
