"""`GET /c/<token>/photo/<file id>`: a photo a staff member sent to an SMS or e-mail client
(issue 19, item 9), for the holder of a client page token of its order. Only a file the
order's history says staff sent to the client opens (core/client_loop/staff_photo.py); any
other file, order, or a token the page would refuse is a plain 404."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import PlainTextResponse, Response

from bot.admin.context import admin_context

router = APIRouter(include_in_schema=False)


@router.get("/c/{token}/photo/{attachment_id}")
async def client_photo(request: Request, token: str, attachment_id: int) -> Response:
    services = admin_context(request).container.services
    found = await services.client_loop.page_photo(token, attachment_id)
    if found is None:
        return PlainTextResponse("not found", status_code=404)
    data = await services.files.content(found)
    headers = {"Cache-Control": "private, max-age=3600", "Content-Disposition": "inline"}
    return Response(data, media_type=found.mime, headers=headers)
