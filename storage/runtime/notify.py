"""PostgreSQL LISTEN for the wake-ups other processes send with NOTIFY: jobs added
(storage/runtime/repository.py) and board changes (storage/board.py)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

log = logging.getLogger(__name__)


async def listen(
    engine: AsyncEngine, channel: str, wake: Callable[[], None], stop: asyncio.Event
) -> None:
    """On PostgreSQL, `wake` on every notification on `channel` until `stop`; a dropped
    connection is opened again a second later (and `wake` called, for what was missed
    meanwhile). Elsewhere nothing: one process serves, and it wakes itself."""
    if engine.dialect.name != "postgresql":
        return
    while not stop.is_set():
        try:
            await _listen(engine, channel, wake, stop)
        except Exception as exc:  # noqa: BLE001 - the database is away: try again shortly
            log.warning("%s notifications interrupted: %s", channel, type(exc).__name__)
        wake()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=1.0)


async def _listen(
    engine: AsyncEngine, channel: str, wake: Callable[[], None], stop: asyncio.Event
) -> None:
    """Until `stop` or the connection's end."""
    async with engine.connect() as connection:
        raw = await connection.get_raw_connection()
        driver: Any = raw.driver_connection
        lost = asyncio.Event()

        def notified(*_args: Any) -> None:
            wake()

        def terminated(*_args: Any) -> None:
            lost.set()

        driver.add_termination_listener(terminated)
        await driver.add_listener(channel, notified)
        ends = [asyncio.ensure_future(stop.wait()), asyncio.ensure_future(lost.wait())]
        try:
            await asyncio.wait(ends, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for end in ends:
                end.cancel()
            if not lost.is_set():
                await driver.remove_listener(channel, notified)
            driver.remove_termination_listener(terminated)
