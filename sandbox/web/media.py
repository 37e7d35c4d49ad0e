"""Files in the web chat: uploads from the page (photo, document, voice, audio) and downloads.

The upload body is read with a cap before it is parsed, so an oversized file is refused with a
413 without being buffered whole; the multipart parser then runs on the capped bytes.
"""

from __future__ import annotations

import mimetypes
import urllib.parse
from typing import Any

from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import Message, Receive

from sandbox.emulator.params import UploadedFile
from sandbox.emulator.scenario import UserDriver
from sandbox.web import inputs
from sandbox.web.hub import ChatHub
from sandbox.web.inputs import WebError
from sandbox.web.views import message_view

MAX_UPLOAD = 20 * 1024 * 1024  # what a bot may download through the Bot API
FORM_OVERHEAD = 64 * 1024  # multipart boundaries and the small fields around the file
UPLOAD_KINDS = ("photo", "document", "voice", "audio")
_IMAGE_MAGIC = (
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
)
_INLINE_PREFIXES = ("image/", "audio/", "video/")


def image_type(data: bytes) -> str | None:
    """The image MIME type from magic bytes (what Telegram accepts as a photo), or None."""
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return next((mime for magic, mime in _IMAGE_MAGIC if data.startswith(magic)), None)


class MediaApi:
    """`POST /api/chats/{user_id}/upload` and `GET /media/{file_id}`."""

    def __init__(self, hub: ChatHub) -> None:
        self.hub = hub

    def routes(self) -> list[Route]:
        """The file routes."""
        return [
            Route("/api/chats/{user_id:int}/upload", self.upload, methods=["POST"]),
            Route("/media/{file_id}", self.media, methods=["GET"]),
        ]

    async def upload(self, request: Request) -> Response:
        """multipart: file, kind (photo|document|voice|audio), caption?, duration? (seconds)."""
        driver = self.hub.driver(int(request.path_params["user_id"]))
        limit = self.hub.max_upload
        fields, upload = await _read_form(request, limit)
        if len(upload.data) > limit:
            raise _too_large(limit)
        if not upload.data:
            raise inputs.invalid("the file is empty")
        kind = inputs.choice(fields, "kind", UPLOAD_KINDS, "document")
        message = await _send(driver, kind, upload, fields)
        stored = driver.chat.messages[int(message["message_id"])]
        return JSONResponse({"ok": True, "message": message_view(self.hub.state, stored)})

    async def media(self, request: Request) -> Response:
        """A file's bytes; images, audio and video inline, anything else as a download."""
        stored = self.hub.state.files.get(request.path_params["file_id"])
        if stored is None:
            raise WebError(404, "no such file")
        mime = stored.mime_type or "application/octet-stream"
        inline = mime.startswith(_INLINE_PREFIXES) and "download" not in request.query_params
        name = stored.file_name or stored.file_path.rsplit("/", 1)[-1]
        disposition = "inline" if inline else "attachment"
        headers = {
            "Content-Disposition": f"{disposition}; filename*=UTF-8''{urllib.parse.quote(name)}",
            # A user's upload must never run as a page of this origin.
            "X-Content-Type-Options": "nosniff",
            "Content-Security-Policy": "sandbox; default-src 'none'; style-src 'unsafe-inline'",
            "Cache-Control": "private, max-age=86400",
        }
        return Response(stored.data, media_type=mime, headers=headers)


def _too_large(limit: int) -> WebError:
    return WebError(413, f"the file is larger than {limit // (1024 * 1024)} MB")


async def _read_form(request: Request, limit: int) -> tuple[dict[str, Any], UploadedFile]:
    """The small fields and the one file of a multipart upload, reading at most the cap."""
    if not request.headers.get("content-type", "").startswith("multipart/form-data"):
        raise WebError(415, "send the file as multipart/form-data")
    body = await _capped_body(request, limit + FORM_OVERHEAD, limit)
    replayed = Request(request.scope, _replay(body))
    fields: dict[str, Any] = {}
    upload: UploadedFile | None = None
    async with replayed.form(max_files=1, max_fields=10) as form:
        for key, item in form.multi_items():
            if isinstance(item, UploadFile) and key == "file":
                upload = UploadedFile(item.filename, item.content_type, await item.read())
            elif isinstance(item, str):
                fields[key] = item
    if upload is None:
        raise inputs.invalid("file is required")
    return fields, upload


async def _capped_body(request: Request, cap: int, limit: int) -> bytes:
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > cap:
        raise _too_large(limit)
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > cap:
            raise _too_large(limit)
        chunks.append(chunk)
    return b"".join(chunks)


def _replay(body: bytes) -> Receive:
    """An ASGI receive that hands the already-read body to a second `Request`."""
    delivered = False

    async def receive() -> Message:
        nonlocal delivered
        if delivered:
            return {"type": "http.disconnect"}
        delivered = True
        return {"type": "http.request", "body": body, "more_body": False}

    return receive


async def _send(
    driver: UserDriver, kind: str, upload: UploadedFile, fields: dict[str, Any]
) -> dict[str, Any]:
    caption = inputs.text(fields, "caption", max_length=1024)
    duration = inputs.integer(fields, "duration", 0, 86_400, required=False) or 1
    # Browsers send e.g. "audio/webm;codecs=opus"; the Bot API's mime_type has no parameters.
    mime = (upload.content_type or "").split(";", 1)[0].strip().lower() or None
    mime = None if mime == "application/octet-stream" else mime
    if kind == "photo":
        photo_type = image_type(upload.data)
        if photo_type is None:
            raise WebError(415, "a photo must be a JPEG, PNG, GIF or WebP image (send a file)")
        return await driver.send_photo(upload.data, caption, mime_type=photo_type)
    if kind == "voice":
        return await driver.send_voice(upload.data, duration, mime or "audio/ogg", caption)
    name = _file_name(upload.filename, kind)
    if kind == "audio":
        return await driver.send_audio(upload.data, duration, name, mime or "audio/mpeg", caption)
    guessed = mimetypes.guess_type(name)[0]
    document_mime = mime or guessed or "application/octet-stream"
    return await driver.send_document(upload.data, name, document_mime, caption)


def _file_name(name: str | None, kind: str) -> str:
    """The base name the browser sent (never a path), or a default."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1].strip()
    return base[:255] or ("audio.mp3" if kind == "audio" else "file")
