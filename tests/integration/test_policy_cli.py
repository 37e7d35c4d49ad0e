"""`astracrm policy status` and `astracrm policy publish` on both databases: publishing is
told apart from publishing again, a short notice is refused with the reason, and the status
lists which version is published and in force."""

from __future__ import annotations

from bot.cli import _parser
from bot.policy_cli import publish, status
from bot.settings import Settings
from tests.policy_support import HASTY, NEXT, SMALL, versions_dir


def _settings(db_url: str) -> Settings:
    return Settings(  # type: ignore[call-arg]
        _env_file=None, database_url=db_url, privacy_policy_dir=versions_dir()
    )


async def test_publish_and_status(db_url, clock, capsys):
    settings = _settings(db_url)
    args = _parser().parse_args(["policy", "publish", NEXT])
    assert args.version == NEXT and args.handler.__name__ == "_publish"
    assert await publish(settings, HASTY, clock) == 1
    assert "needs 31 days of notice" in capsys.readouterr().err
    assert await publish(settings, "1999-01", clock) == 1
    assert "no such version" in capsys.readouterr().err
    assert await publish(settings, NEXT, clock) == 0
    assert "2026-04 published: takes effect 2026-04-15" in capsys.readouterr().out
    assert await publish(settings, NEXT, clock) == 0
    assert "2026-04 was published on 2026-03-02 09:00 UTC; nothing changed" in (
        capsys.readouterr().out
    )
    assert await publish(settings, SMALL, clock) == 0
    assert "(not material)" in capsys.readouterr().out
    assert await status(settings, clock) == 0
    listed = capsys.readouterr().out.splitlines()
    assert listed == [
        "2025-01  effective 2025-01-01  material  not published, in force",
        "2026-03  effective 2026-03-10  not material  published 2026-03-02",
        "2026-03b  effective 2026-03-20  material  not published",
        "2026-04  effective 2026-04-15  material  published 2026-03-02",
    ]
