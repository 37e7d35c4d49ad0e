"""The command menu keeps to the everyday commands (about ten for an owner); /more lists the
rarely used rest and /help everything, so no command is lost."""

import re
from pathlib import Path

from handlers.menus import COMMANDS
from handlers.setup import COMMANDS as HANDLED
from tests.e2e.scenario import create_org, invite_link, onboard

README = Path(__file__).resolve().parents[2] / "README.md"
RARE = ("privacy", "export", "audit", "telephony", "deactivate", "deleteorg", "admin")


async def test_the_owners_menu_is_short_and_more_lists_the_rest(crm):
    olga = crm.emulator.user(3101, "Olga", language_code="en")
    await create_org(olga)
    menu = [name for name, _ in olga.commands()]
    assert len(menu) <= 10, menu
    assert {"neworder", "orders", "team", "settings", "help", "more"} <= set(menu)
    assert not set(RARE) & set(menu)
    await olga.send("/more")
    more = (await olga.reply()).text
    assert all(f"/{name} —" in more for name in RARE), more
    await olga.send("/help")
    listed = set(re.findall(r"^/(\w+) —", (await olga.reply()).text, re.MULTILINE))
    assert listed == {c.name for c in COMMANDS}


async def test_a_worker_sees_only_what_their_role_allows(crm):
    olga = crm.emulator.user(3111, "Ольга", language_code="ru")
    await create_org(olga)
    token = await invite_link(olga, "Работник")
    ivan = crm.emulator.user(3112, "Ivan", language_code="en")
    await onboard(ivan, "en", payload=token)
    await ivan.reply()
    assert "more" in [name for name, _ in ivan.commands()]
    await ivan.send("/more")
    more = (await ivan.reply()).text
    assert "/privacy —" in more and "/deleteme —" in more
    assert "/export" not in more and "/deleteorg" not in more and "/admin" not in more


def test_every_command_is_in_help_and_in_the_readme():
    assert {c.name for c in COMMANDS} == set(HANDLED)
    readme = README.read_text(encoding="utf-8")
    missing = [c.name for c in COMMANDS if not re.search(rf"^\|[^|]*/{c.name}\b", readme, re.M)]
    assert not missing, f"README's command table lacks {missing}"
