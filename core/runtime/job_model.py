"""A durable job as the queue hands it to its handler, and the states a job goes through."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field


class JobStatus(enum.StrEnum):
    PENDING = "pending"
    RUNNING = "running"
    DONE = "done"
    DEAD = "dead"


@dataclass(frozen=True, slots=True)
class Job:
    id: int
    kind: str
    payload: dict[str, object]
    attempts: int
    organization_id: int | None = None
    dedup_key: str | None = None
    extra: dict[str, object] = field(default_factory=dict)
