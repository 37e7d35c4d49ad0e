"""The process's job runners as the bot's handlers and hooks see them (bot/background.py
implements them; handlers do not import bot/)."""

from __future__ import annotations

from typing import Protocol


class JobRunners(Protocol):
    def start(self) -> None:
        """Start the runners and the scheduler (once the application is up)."""
        ...

    async def stop(self) -> None:
        """Stop them, finishing the jobs in progress."""
        ...

    def wake(self) -> None:
        """Look for due jobs now (a handler just enqueued one)."""
        ...
