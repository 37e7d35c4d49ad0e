"""Which commands each role sees, in its menu and in /help."""

from __future__ import annotations

from dataclasses import dataclass

from core.domain import Role
from handlers.i18n import N_, Translator

EVERYONE = frozenset(Role)
LEADS = frozenset({Role.OWNER, Role.MANAGER})
OWNERS = frozenset({Role.OWNER})


@dataclass(frozen=True, slots=True)
class Command:
    name: str
    description: str
    roles: frozenset[Role] | None  # None: also shown to people with no organization yet


COMMANDS: tuple[Command, ...] = (
    Command("start", N_("Start or return to the main screen"), None),
    Command("help", N_("What I can do"), None),
    Command("neworder", N_("Create an order"), LEADS),
    Command("orders", N_("Orders, by status"), EVERYONE),
    Command("today", N_("Today's orders"), EVERYONE),
    Command("digest", N_("Today's digest: what needs attention, the numbers"), LEADS),
    Command("client", N_("Find a client by name or phone"), EVERYONE),
    Command("newclient", N_("Add a client"), LEADS),
    Command("calls", N_("Today's calls: missed, unknown numbers"), LEADS),
    Command("telephony", N_("Telephony: the PBX link, call recording"), frozenset({Role.OWNER})),
    Command("team", N_("Your team: roles and access"), LEADS),
    Command("invite", N_("Invite a manager or a worker"), LEADS),
    Command("org", N_("Show or switch your organization"), EVERYONE),
    Command("language", N_("Change the language"), None),
    Command("settings", N_("Your settings"), None),
    Command("notifications", N_("Digests, plans and reminders: what and when"), EVERYONE),
    Command("admin", N_("Settings and billing on the web"), OWNERS),
    Command("privacy", N_("Privacy: your data, consents, deletion"), None),
    Command("mydata", N_("A copy of everything we hold about you"), None),
    Command("export", N_("Export all of the organization's data"), OWNERS),
    Command("audit", N_("Audit log: who viewed or changed what"), OWNERS),
    Command("cancel", N_("Stop what you are doing"), None),
)

STRANGER_COMMANDS = ("start", "help")


def commands_for(role: Role | None, onboarded: bool) -> list[Command]:
    if not onboarded:
        return [c for c in COMMANDS if c.name in STRANGER_COMMANDS]
    return [c for c in COMMANDS if c.roles is None or (role is not None and role in c.roles)]


def menu(t: Translator, role: Role | None, onboarded: bool) -> list[tuple[str, str]]:
    return [(c.name, t.raw(c.description)) for c in commands_for(role, onboarded)]
