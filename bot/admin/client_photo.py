"""`GET /c/<token>/photo/<file id>`: a photo a staff member sent to an SMS or e-mail client
(issue 19, item 9), or one of the work's photos a done order's page shows when the
organization sends photos (item 7), for the holder of a client page token of its order. Only
a file the order's history says staff sent to the client, or a photo of the done order,
opens (core/client_loop/staff_photo.py, done_photos.py); any other file, order, or a token
the page would refuse is a plain 404. `photos_section` is the page's block of the work's
photos."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import PlainTextResponse, Response

from bot.admin.context import admin_context
from bot.admin.html import Safe, SafeText, join, tag

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


def photos_section(t: SafeText, path: str, photo_ids: list[int]) -> Safe:
    """The work's photos on the client page, each a link to the full photo."""
    images = []
    for photo_id in photo_ids:
        src = f"{path}/photo/{photo_id}"
        image = Safe(tag("img", "", src=src, alt=t("Photo of the work"), loading="lazy",
                         width="100%").removesuffix("</img>"))  # fmt: skip
        images.append(tag("a", image, href=src, data_testid="work-photo"))
    body = join([tag("h2", t("Photos of the work")), *images])
    return tag("section", body, data_testid="work-photos")
