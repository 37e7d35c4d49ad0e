"""Scheduled notifications: `tick(now)` finds everything due (owners' digests, workers' plans,
reminders and plan updates, managers' alerts about orders overdue and offers nobody took) across
all organizations with a handful of queries, and records each message's key with its delivery
job in one transaction, so two schedulers, a restart or a catch-up never send anything twice.
Also the digest on demand (/digest) and each person's preferences.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import replace
from datetime import date, datetime, time, timedelta

from core.domain import Actor, Organization, Role
from core.notifications import work_notices
from core.notifications.digest import (
    LIST_LIMIT,
    DigestMessage,
    Facts,
    Period,
    QuoteRef,
    RequestRef,
    Window,
    build_digest,
    scheduled_windows,
    so_far_windows,
)
from core.notifications.ports import Exceptions
from core.notifications.rules import DIGEST_JOB, Kind, Outgoing, Preferences, Recipient, change
from core.notifications.rules import digest_key as make_key
from core.notifications.schedule import WEEKLY_AT, due_daily, due_weekly, local_date
from core.notifications.work_notices import held, unsent
from core.numbers.service import gather
from core.permissions import Action, allowed, require
from core.ports import Clock, UnitOfWork, UowFactory
from core.quotes.model import QuoteStatus

log = logging.getLogger(__name__)

DIGEST_ROLES = tuple(r for r in Role if allowed(r, Action.DIGEST_RECEIVE))
KEEP_SENT = timedelta(days=30)
KNOWN_MAX = 200_000

DigestDue = tuple[Recipient, Period, date]
Collector = Callable[[UnitOfWork, datetime, set[str]], Awaitable[list[Outgoing]]]


class NotificationService:
    def __init__(self, uow: UowFactory, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock
        self._known: set[str] = set()  # keys seen recorded: a cache, correctness is the ledger
        self._purged: datetime | None = None

    async def tick(self, now: datetime | None = None) -> int:
        """Enqueue everything due at `now`; returns how many messages were enqueued.

        Every kind is looked at in one transaction (an idle tick is one transaction); if any
        kind fails, each is tried again in a transaction of its own, so a failure in one
        (logged) holds up no other.
        """
        now = now or self._clock.now()
        if len(self._known) > KNOWN_MAX:
            self._known.clear()
        try:
            enqueued = await self._record(self._collectors(), now)
        except Exception as exc:  # noqa: BLE001 - one kind failing must not stop the rest
            log.warning("scheduler: tick failed (%s); each kind alone", type(exc).__name__)
            enqueued = 0
            for collect in self._collectors():
                try:
                    enqueued += await self._record((collect,), now)
                except Exception as error:  # noqa: BLE001 - logged; the others go on
                    log.error("scheduler: %s failed: %s", collect.__name__, type(error).__name__)
        await self._purge(now)
        return enqueued

    def _collectors(self) -> tuple[Collector, ...]:
        return (
            self._digests,
            work_notices.plans,
            work_notices.reminders,
            work_notices.overdue_alerts,
            work_notices.untaken_alerts,
            work_notices.plan_updates,
        )

    async def _record(self, collectors: Sequence[Collector], now: datetime) -> int:
        async with self._uow() as uow:
            outgoing = []
            for collect in collectors:
                outgoing += await collect(uow, now, self._known)
            if not outgoing:
                return 0
            enqueued = await uow.notifications.record(outgoing, now)
            await uow.commit()
        self._known.update(k for item in outgoing for k in (item.key, *item.also))
        log.info("scheduler: %s recorded, %s enqueued", len(outgoing), enqueued)
        return enqueued

    async def _purge(self, now: datetime) -> None:
        if self._purged is not None and now - self._purged < timedelta(hours=1):
            return
        async with self._uow() as uow:
            await uow.notifications.purge(now - KEEP_SENT)
            await uow.commit()
        self._purged = now

    async def _digests(self, uow: UnitOfWork, now: datetime, known: set[str]) -> list[Outgoing]:
        due: dict[str, DigestDue] = {}
        for r in await uow.notifications.recipients(DIGEST_ROLES):
            for period, day in _due_digests(r, now):
                due[make_key(period.value, r.organization.id, r.user_id, day)] = (r, period, day)
        fresh = sorted(await unsent(uow, due, known))
        groups: dict[tuple[Period, date, time, str], list[str]] = defaultdict(list)
        for key in fresh:
            r, period, day = due[key]
            at = r.prefs.digest_at if period is Period.DAY else WEEKLY_AT
            groups[(period, day, at, r.zone)].append(key)
        out: list[Outgoing] = []
        for (period, day, at, zone), keys in groups.items():
            windows = scheduled_windows(period, day, at, zone)
            orgs = {due[k][0].organization.id: due[k][0].organization for k in keys}
            messages = await self._compute(uow, orgs, windows, now, _days(period, day))
            for key in keys:
                r = due[key][0]
                out.append(_digest_outgoing(key, r, messages[r.organization.id]))
        return out

    async def _compute(
        self,
        uow: UnitOfWork,
        orgs: dict[int, Organization],
        windows: tuple[Window, Window],
        now: datetime,
        days: tuple[Period, date, date],
    ) -> dict[int, DigestMessage]:
        """The digests of many organizations sharing a window: a few aggregate queries."""
        (start, end), previous = windows
        org_ids = set(orgs)
        current = await gather(uow, org_ids, start, end)  # what the Numbers page shows
        before = await uow.digests.numbers(org_ids, *previous, per_worker=False)
        problems = await uow.digests.exceptions(org_ids, start, end, now, LIST_LIMIT)
        for org_id, quotes in (await _open_quotes(uow, orgs, now)).items():
            current[org_id] = replace(current.get(org_id, Facts()), open_quotes=quotes)
        for org_id, asked in (await uow.requests.open_in(list(orgs))).items():  # data requests
            refs = tuple(RequestRef(r.client_id, r.kind.value, r.due_on) for r in asked)
            current[org_id] = replace(current.get(org_id, Facts()), requests=refs)
        workers = {w for f in current.values() for w in [*f.done_by_worker, *f.ratings]}
        names = await uow.digests.names(workers) if workers else {}
        out = {}
        for org_id in org_ids:
            facts = _with_exceptions(current.get(org_id, Facts()), problems.get(org_id))
            digest = build_digest(*days, facts, before.get(org_id, Facts()))
            shown = [*digest.done_by_worker, *digest.ratings_by_worker]
            staff = {w: names.get(w, "?") for w in shown}
            org = orgs[org_id]
            out[org_id] = DigestMessage(digest, org.name, org.currency, staff)
        return out

    async def digest_for(self, actor: Actor) -> DigestMessage:
        """Today so far against yesterday by the same time, for /digest."""
        require(actor, Action.DIGEST_VIEW)
        assert actor.organization is not None
        org, now = actor.organization, self._clock.now()
        windows = so_far_windows(now, org.timezone)
        today = local_date(now, org.timezone)
        async with self._uow() as uow:
            found = await self._compute(
                uow, {org.id: org}, windows, now, (Period.DAY, today, today)
            )
        return found[org.id]

    async def preferences(self, actor: Actor) -> Preferences:
        async with self._uow() as uow:
            return await uow.notifications.preferences(actor.user.id)

    async def change_preference(self, actor: Actor, what: str) -> Preferences:
        """One tap in /notifications: switch a kind or move a time to its next preset."""
        async with self._uow() as uow:
            prefs = change(await uow.notifications.preferences(actor.user.id), what)
            await uow.notifications.save_preferences(actor.user.id, prefs, self._clock.now())
            await uow.commit()
        return prefs


def _due_digests(r: Recipient, now: datetime) -> list[tuple[Period, date]]:
    if held(r, now):
        return []
    found = []
    if r.prefs.digest and (day := due_daily(now, r.zone, r.prefs.digest_at)) is not None:
        found.append((Period.DAY, day))
    if r.prefs.weekly and (week := due_weekly(now, r.zone)) is not None:
        found.append((Period.WEEK, week))
    return found


def _days(period: Period, day: date) -> tuple[Period, date, date]:
    if period is Period.DAY:
        return period, day, day
    return period, day - timedelta(days=7), day - timedelta(days=1)


async def _open_quotes(
    uow: UnitOfWork, orgs: dict[int, Organization], now: datetime
) -> dict[int, tuple[QuoteRef, ...]]:
    """Each organization's sent quotes still valid on its own local date (one statement)."""
    today = {org_id: local_date(now, org.timezone) for org_id, org in orgs.items()}
    found = await uow.quotes.open_in(list(orgs), min(today.values()))
    out: dict[int, tuple[QuoteRef, ...]] = {}
    for org_id, quotes in found.items():
        refs = tuple(
            QuoteRef(q.id, q.total_minor, q.valid_until)
            for q in quotes
            if q.status_on(today[org_id]) is QuoteStatus.SENT
        )
        if refs:
            out[org_id] = refs
    return out


def _with_exceptions(facts: Facts, problems: Exceptions | None) -> Facts:
    if problems is None:
        return facts
    lists = problems.lists
    return replace(
        facts,
        overdue=lists.get("overdue", ()),
        unassigned=lists.get("unassigned", ()),
        unpaid=lists.get("unpaid", ()),
        cancelled_orders=lists.get("cancelled", ()),
        totals=problems.totals,
        unpaid_total=problems.unpaid_total,
    )


def _digest_outgoing(key: str, r: Recipient, message: DigestMessage) -> Outgoing:
    """A digest with nothing in it is recorded, not sent."""
    kind = Kind.WEEKLY if message.digest.period is Period.WEEK else Kind.DIGEST
    job = None if message.digest.quiet else DIGEST_JOB
    payload = {**r.address(), "digest": message.as_data()}
    return Outgoing(key, kind, r.user_id, r.organization.id, job, payload)
