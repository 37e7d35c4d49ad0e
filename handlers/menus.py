"""Which commands each role sees: the chat's command menu (about ten everyday ones), /more
(the rarely used rest: privacy, exports, the account and the organization's life) and /help
(all of them)."""

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
    in_menu: bool = True  # False: listed by /more and /help only


def _more(name: str, description: str, roles: frozenset[Role] | None) -> Command:
    return Command(name, description, roles, in_menu=False)


COMMANDS: tuple[Command, ...] = (
    Command("neworder", N_("Create an order"), LEADS),
    Command("orders", N_("Orders, by status"), EVERYONE),
    Command("today", N_("Today's orders"), EVERYONE),
    Command("client", N_("Find a client by name or phone"), EVERYONE),
    Command("digest", N_("Today's digest: what needs attention, the numbers"), LEADS),
    Command("calls", N_("Today's calls: missed, unknown numbers"), LEADS),
    Command("team", N_("Your team: roles and access"), LEADS),
    Command("settings", N_("Your settings"), None),
    Command("help", N_("What I can do"), None),
    Command("more", N_("More commands: privacy, exports, your account"), None),
    _more("start", N_("Start or return to the main screen"), None),
    _more("order", N_("An order's card by its number: /order 12"), EVERYONE),
    _more("newclient", N_("Add a client"), LEADS),
    _more("quote", N_("Prepare a quote for a client and send it"), LEADS),
    _more("services", N_("Services and materials: prices and VAT"), LEADS),
    _more("checklist", N_("Checklists of each kind of work"), LEADS),
    _more("invite", N_("Invite a manager or a worker"), LEADS),
    _more("org", N_("Show or switch your organization"), EVERYONE),
    _more("language", N_("Change the language"), None),
    _more("notifications", N_("Digests, plans and reminders: what and when"), EVERYONE),
    _more("availability", N_("Your working hours and days off"), EVERYONE),
    _more("telephony", N_("Telephony: the PBX link, call recording"), OWNERS),
    _more("admin", N_("The web board; settings and billing for owners"), LEADS),
    _more("apikeys", N_("Keys of the REST API for other systems"), OWNERS),
    _more("ownbot", N_("Connect your business's own bot from @BotFather"), OWNERS),
    _more("privacy", N_("Privacy: your data, consents, deletion"), None),
    _more("mydata", N_("A copy of everything we hold about you"), None),
    _more("export", N_("Export all of the organization's data"), OWNERS),
    _more("audit", N_("Audit log: who viewed or changed what"), OWNERS),
    _more("forget", N_("Erase a client and everything about them"), OWNERS),
    _more("deactivate", N_("Pause the organization: read-only, no notifications"), OWNERS),
    _more("reactivate", N_("Switch a paused organization back on"), OWNERS),
    _more("deleteorg", N_("Delete the organization"), OWNERS),
    _more("deleteme", N_("Delete your account"), None),
    _more("cancel", N_("Stop what you are doing"), None),
)

STRANGER_COMMANDS = ("start", "help")


def commands_for(role: Role | None, onboarded: bool) -> list[Command]:
    """Every command this person may use (what /help lists)."""
    if not onboarded:
        return [c for name in STRANGER_COMMANDS for c in COMMANDS if c.name == name]
    return [c for c in COMMANDS if c.roles is None or (role is not None and role in c.roles)]


def more_for(role: Role | None, onboarded: bool) -> list[Command]:
    """The commands this person may use that their menu leaves out (what /more lists)."""
    return [c for c in commands_for(role, onboarded) if not c.in_menu]


def menu(t: Translator, role: Role | None, onboarded: bool) -> list[tuple[str, str]]:
    """The chat's command menu: strangers get /start and /help, members the everyday ones."""
    everything = commands_for(role, onboarded)
    shown = everything if not onboarded else [c for c in everything if c.in_menu]
    return [(c.name, t.raw(c.description)) for c in shown]


def command_lines(t: Translator, commands: list[Command]) -> list[str]:
    """One line per command, as /help and /more show them (Telegram makes each tappable)."""
    return [f"/{command.name} — {t(command.description)}" for command in commands]


# A business's client (linked by their link, not staff): this chat's whole command list.
CLIENT_COMMANDS: tuple[tuple[str, str], ...] = (
    ("start", N_("Order updates: turn them on")),
    ("stop", N_("Stop order updates")),
    ("help", N_("What this chat is for")),
)


def client_menu(t: Translator) -> list[tuple[str, str]]:
    return [(name, t.raw(description)) for name, description in CLIENT_COMMANDS]
