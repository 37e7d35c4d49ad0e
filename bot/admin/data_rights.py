"""Data-rights routes of the admin API: the organization's export and its audit log."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query
from starlette.background import BackgroundTask
from starlette.responses import FileResponse

from bot.admin.api import ERRORS, CallerDep
from bot.admin.auth_first import CredentialsFirst
from bot.admin.context import ServicesDep

router = APIRouter(
    prefix="/api", responses=ERRORS, tags=["data rights"], route_class=CredentialsFirst
)


@router.get(
    "/export", response_class=FileResponse, responses={200: {"content": {"application/zip": {}}}}
)
async def export(services: ServicesDep, who: CallerDep) -> FileResponse:
    """A ZIP with one JSON and one CSV file per entity, the attached files and a README."""
    # Built, and its audit row written, in the request's unit of work, which commits before
    # the file is sent: no transaction stays open while it streams.
    archive = await services.privacy.export_archive(who.actor)
    cleanup = BackgroundTask(services.privacy.discard, archive)
    return FileResponse(
        archive.path, media_type="application/zip", filename=archive.name, background=cleanup
    )


@router.get("/audit")
async def audit(
    services: ServicesDep,
    who: CallerDep,
    limit: int = Query(100, ge=1, le=500),
    offset: int = Query(0, ge=0, le=1_000_000),
) -> list[dict[str, Any]]:
    """Who viewed, exported, deleted or changed what, newest first."""
    result: list[dict[str, Any]] = await services.audit.for_api(who.actor, limit, offset)
    return result
