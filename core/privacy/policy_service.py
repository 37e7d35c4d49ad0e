"""Publishing a version of the privacy policy, telling every person about a material one, and
each person's answer once it is in force (core/privacy/policy.py has the rules).

Exactly one notice per person and version: publishing records the version (one row per
version) and queues one announcement job (one per version, by its dedup key) in the same
transaction; the announcement, whichever process's runner claims it, notes each person in
`policy_notice` (unique per person and version) and queues that person's message in the same
transaction, so a second publication, a restart, a retried announcement or a second process
finds everybody noted and queues nothing more. The message is a scheduled one (the
deliveries' runner, sent in the broadcast lane behind interactive replies), due when the
person's quiet hours end.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, time

from core.channels.sms import next_allowed
from core.domain import Actor, ConsentKind, Job, Role
from core.errors import DomainError
from core.ports import Clock, UnitOfWork, UowFactory
from core.privacy.policy import (
    PolicyRegistry,
    PolicyStatus,
    PolicyVersion,
    Publication,
    check_publishable,
    status,
)

log = logging.getLogger(__name__)

ANNOUNCE_JOB = "policy_announce"
NOTICE_JOB = "policy_notice"
CLIENT_QUIET = (time(21), time(9))  # as SMS to clients (core/channels/sms.py)


@dataclass(frozen=True, slots=True)
class Published:
    publication: Publication
    new: bool  # False: it was published before, nothing was queued again


@dataclass(frozen=True, slots=True)
class Audience:
    """One person to tell, with when their quiet hours let the message go."""

    user_id: int
    chat_id: int
    language: str | None
    telegram_language: str | None
    due: datetime
    staff: bool = True  # False: a client linked in Telegram


class PolicyService:
    def __init__(self, uow: UowFactory, clock: Clock, registry: PolicyRegistry) -> None:
        self._uow, self._clock, self.registry = uow, clock, registry

    def version(self, name: str) -> PolicyVersion:
        found = self.registry.get(name)
        if found is None:
            raise DomainError("policy_unknown")
        return found

    async def publish(self, name: str) -> Published:
        """Publish a version found in the repository (the operator's `astracrm policy
        publish`). A material one queues its notices; publishing it again changes nothing."""
        version = self.version(name)
        now = self._clock.now()
        async with self._uow() as uow:
            known = {p.version: p for p in await uow.policy.publications()}
            if name in known:
                return Published(known[name], new=False)
            check_publishable(version, now)
            publication = Publication(name, version.effective_at, version.material, now)
            if not await uow.policy.publish(publication):  # another process, just now
                return Published(publication, new=False)
            if version.material:
                payload = {"version": name}
                await uow.jobs.enqueue(ANNOUNCE_JOB, payload, now, None, f"policy:{name}")
            await uow.commit()
        log.info("policy %s published (material: %s)", name, version.material)
        return Published(publication, new=True)

    async def publications(self) -> list[Publication]:
        async with self._uow() as uow:
            return await uow.policy.publications()

    async def status(self) -> PolicyStatus:
        return status(self.registry, await self.publications(), self._clock.now())

    async def announce(self, job: Job) -> None:
        """The announcement job: note every active person and queue their notice."""
        name = str(job.payload["version"])
        async with self._uow() as uow:
            now = self._clock.now()
            people = await _audience(uow, now)
            fresh = await uow.policy.add_notices(name, people, now)
            for user_id in sorted(fresh):
                person = people[user_id]
                payload = {
                    "version": name,
                    "user_id": user_id,
                    "chat_id": person.chat_id,
                    "language": person.language,
                    "telegram_language": person.telegram_language,
                    "staff": person.staff,
                }
                key = f"policy:{name}:{user_id}"
                await uow.jobs.enqueue(NOTICE_JOB, payload, person.due, None, key)
            await uow.commit()
        log.info("policy %s: %s notices queued, %s told before", name, len(fresh),
                 len(people) - len(fresh))  # fmt: skip

    async def answer(self, actor: Actor, accepted: bool) -> str | None:
        """Record the person's answer to the material version in force (None: nothing to
        answer). Declining is recorded too, and is never taken as acceptance."""
        standing = actor.policy
        if standing is None or standing.required is None:
            return None
        async with self._uow() as uow:
            now = self._clock.now()
            kind = ConsentKind.PRIVACY_POLICY
            await uow.consents.add(actor.user.id, kind, standing.required, accepted, now)
            await uow.commit()
        return standing.required


async def _audience(uow: UnitOfWork, now: datetime) -> dict[int, Audience]:
    """Every active person once: owners, managers and workers of active organizations (their
    own quiet hours in their organization's zone), and clients linked in Telegram (the
    evening and night quiet hours SMS to clients keep, in their organization's zone)."""
    found: dict[int, Audience] = {}
    for r in await uow.notifications.recipients(tuple(Role)):
        if r.telegram_id is None or r.user_id in found:
            continue
        start, end = r.prefs.quiet_start, r.prefs.quiet_end
        quiet = start is not None and end is not None and start != end
        due = next_allowed(now, r.zone, quiet, start or time(), end or time())
        found[r.user_id] = Audience(r.user_id, r.telegram_id, r.language, r.telegram_language, due)
    for c in await uow.policy.clients():
        if c.user_id not in found:
            due = next_allowed(now, c.zone, True, *CLIENT_QUIET)
            found[c.user_id] = Audience(c.user_id, c.telegram_id, c.language,
                                        c.telegram_language, due, staff=False)  # fmt: skip
    return found
