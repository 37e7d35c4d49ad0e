"""Background work in the bot's own process (or in `astracrm worker`): the durable job runners
and the scheduler that enqueues digests, plans, reminders and alerts when they are due.

Job handlers come from the services (uploads, transcription, digests...) and from the
presentation layer where a job ends in a message; a job that finally fails alerts the
organization's managers.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta

from telegram import Bot

from bot.container import Container
from bot.scheduler import Leadership, Scheduler
from core.call_log import RECORDING_JOBS
from core.domain import Job
from core.jobs import JobRunner, default_worker_id
from core.services.voice import SUMMARIZE_JOB, TRANSCRIBE_JOB
from handlers.jobs import dead_job_notice, presenter_jobs
from handlers.voice import progress_presenter
from storage.db import session_factory
from storage.jobs import SqlJobQueue

log = logging.getLogger(__name__)


class Background:
    def __init__(self, container: Container, bot: Bot, runners: int = 2) -> None:
        self._container = container
        self._bot = bot
        self._stop = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []
        container.services.voice.progress = progress_presenter(
            bot, container.services, container.catalogs
        )
        queue = SqlJobQueue(session_factory(container.engine))
        settings = container.settings
        handlers = {
            **container.job_handlers(),
            **presenter_jobs(bot, container.services, container.catalogs),
        }
        self.runners = [
            JobRunner(
                queue,
                handlers,
                container.services.clock,
                f"{default_worker_id()}:{i}",
                lease=timedelta(minutes=5),
                on_dead=self._dead,
                poll_interval=timedelta(seconds=settings.job_poll_seconds),
                retry_base=settings.job_retry_base_seconds,
            )
            for i in range(runners)
        ]
        self.scheduler = Scheduler(
            container.services.notifications.tick,
            Leadership(container.engine),
            settings.scheduler_seconds,
            on_enqueued=self.wake,
        )

    def wake(self) -> None:
        for runner in self.runners:
            runner.wake()

    def start(self) -> None:
        self._stop.clear()
        self._tasks = [asyncio.create_task(r.run(self._stop)) for r in self.runners]
        self._tasks.append(asyncio.create_task(self.scheduler.run(self._stop)))

    async def stop(self) -> None:
        self._stop.set()
        self.wake()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks = []

    async def _dead(self, job: Job, error: str) -> None:
        log.error("job %s (%s) gave up: %s", job.id, job.kind, error)
        if job.kind in (TRANSCRIBE_JOB, SUMMARIZE_JOB):
            await self._container.services.voice.failed(job)
        if job.kind in RECORDING_JOBS:
            await self._container.services.recordings.failed(job)
        await dead_job_notice(self._bot, self._container.services, self._container.catalogs, job)
