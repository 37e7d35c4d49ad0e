"""`astracrm policy`: the privacy policy's versions (core/privacy/policy.py).

`astracrm policy status` lists the versions deployed with this release and which of them are
published; `astracrm policy publish <version>` publishes one. Publishing is an operator's
deliberate act, not a side effect of a deploy: a release can carry the next version's files
for review before anybody is told, and publishing checks the notice period against the
moment it really starts (a material version needs 31 days between publication and its
effective date: 30 days' notice and a day for quiet hours). Publishing a material version
queues one notice per person; the bot's job runners send them. Publishing again, from any
machine, changes nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import sys

from bot.settings import Settings
from core.clock import SystemClock
from core.errors import DomainError
from core.ports import Clock
from core.privacy.policy import VERSIONS_DIR, load_registry
from core.privacy.policy_service import PolicyService
from handlers.errors import describe
from handlers.i18n import Catalogs
from storage.db import create_engine, session_factory
from storage.uow import SqlUnitOfWork


def add_commands(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    policy = commands.add_parser("policy", help="privacy policy versions")
    policy_commands = policy.add_subparsers(dest="policy_command", required=True)
    publish = policy_commands.add_parser(
        "publish", help="publish a version; a material one is announced to everybody"
    )
    publish.add_argument("version", help="a version deployed with this release (see status)")
    publish.set_defaults(handler=_publish)
    listing = policy_commands.add_parser("status", help="the versions and which are published")
    listing.set_defaults(handler=_status)


def _service(settings: Settings, clock: Clock | None = None) -> tuple[PolicyService, object]:
    engine = create_engine(settings.database_url)
    sessions = session_factory(engine)
    clock = clock or SystemClock()
    registry = load_registry(
        settings.privacy_policy_version, settings.privacy_policy_dir or VERSIONS_DIR
    )
    return PolicyService(lambda: SqlUnitOfWork(sessions, clock), clock, registry), engine


def _publish(settings: Settings, args: argparse.Namespace) -> int:
    return asyncio.run(publish(settings, str(args.version)))


async def publish(settings: Settings, version: str, clock: Clock | None = None) -> int:
    service, engine = _service(settings, clock)
    try:
        published = await service.publish(version)
    except DomainError as error:
        print(describe(Catalogs().get("en"), error), file=sys.stderr)
        return 1
    finally:
        await engine.dispose()  # type: ignore[attr-defined]
    p = published.publication
    effective = p.effective_at.date().isoformat()
    if not published.new:
        print(f"{version} was published on {p.published_at:%Y-%m-%d %H:%M} UTC; nothing changed")
    elif p.material:
        print(f"{version} published: takes effect {effective}; every active person is told")
    else:
        print(f"{version} published (not material): takes effect {effective}; nobody is told")
    return 0


def _status(settings: Settings, _args: argparse.Namespace) -> int:
    return asyncio.run(status(settings))


async def status(settings: Settings, clock: Clock | None = None) -> int:
    service, engine = _service(settings, clock)
    try:
        published = {p.version: p for p in await service.publications()}
        current = await service.status()
    finally:
        await engine.dispose()  # type: ignore[attr-defined]
    for v in service.registry.versions():
        p = published.get(v.version)
        state = f"published {p.published_at:%Y-%m-%d}" if p else "not published"
        if v.version == current.in_force.version:
            state += ", in force"
        kind = "material" if v.material else "not material"
        print(f"{v.version}  effective {v.effective.isoformat()}  {kind}  {state}")
    return 0
