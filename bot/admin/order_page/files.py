"""An order's files for the browser: thumbnails made here from the stored image, the image to
view, or the file to download, each behind a short-lived signed link (core/files/links.py)
keyed by the deployment's SECRET_KEY. Only common raster images are ever shown inline; every
other file (SVG and HTML among them) is a download, and nothing served may run script."""

from __future__ import annotations

import asyncio
import io
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import Response
from PIL import Image, UnidentifiedImageError

from bot.admin.context import admin_context
from core.files.links import link_valid

router = APIRouter(include_in_schema=False)
INLINE = frozenset({"image/jpeg", "image/png", "image/webp", "image/gif"})
THUMB = (320, 320)
FILE_POLICY = "default-src 'none'; sandbox"


def thumbnail(data: bytes) -> bytes:
    """A JPEG at most 320 px on its longer side."""
    with Image.open(io.BytesIO(data)) as image:
        image.thumbnail(THUMB)
        out = io.BytesIO()
        image.convert("RGB").save(out, "JPEG", quality=80)
        return out.getvalue()


def _disposition(kind: str, name: str) -> str:
    ascii_name = name.encode("ascii", "replace").decode().replace('"', "'") or "file"
    return f"{kind}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name, safe='')}"


@router.get("/files/{org_id}/{attachment_id}/{variant}")
async def signed_file(
    request: Request, org_id: int, attachment_id: int, variant: str, e: int = 0, s: str = ""
) -> Response:
    context = admin_context(request)
    services = context.container.services

    def mac(value: str) -> str:
        return context.signer.mac("file", value)

    now = services.clock.now()
    if not link_valid(mac, org_id, attachment_id, variant, e, s, now):
        return Response("This link has expired or is not valid.", status_code=403)
    attachment = await services.files.linked(org_id, attachment_id)
    if attachment is None:
        return Response(status_code=404)
    data = await services.files.content(attachment)
    headers = {"cache-control": "private, max-age=600", "content-security-policy": FILE_POLICY}
    image = attachment.mime in INLINE
    if variant == "thumb":
        if not image:
            return Response(status_code=404)
        try:
            data = await asyncio.to_thread(thumbnail, data)
        except (UnidentifiedImageError, OSError, Image.DecompressionBombError):
            return Response(status_code=415)
        return Response(data, media_type="image/jpeg", headers=headers)
    name = attachment.file_name or f"file-{attachment.id}"
    inline = variant == "view" and image
    headers["content-disposition"] = _disposition("inline" if inline else "attachment", name)
    kind = attachment.mime if inline else "application/octet-stream"
    return Response(data, media_type=kind, headers=headers)
