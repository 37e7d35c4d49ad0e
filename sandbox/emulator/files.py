"""Telegram file objects (PhotoSize lists, Document, Voice, Audio, Video) for stored bytes."""

from __future__ import annotations

import struct
from typing import Any

from sandbox.emulator.state import EmulatorState, StoredFile

DEFAULT_IMAGE_SIZE = (1280, 720)
DEFAULT_NOTE_LENGTH = 240
THUMBNAIL_SIDE = 90


def image_size(data: bytes) -> tuple[int, int]:
    """Width and height of a PNG, GIF or JPEG; a default for anything else."""
    if data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) >= 24:
        width, height = struct.unpack(">II", data[16:24])
        return int(width), int(height)
    if data[:6] in (b"GIF87a", b"GIF89a") and len(data) >= 10:
        width, height = struct.unpack("<HH", data[6:10])
        return int(width), int(height)
    if data[:2] == b"\xff\xd8":
        return _jpeg_size(data) or DEFAULT_IMAGE_SIZE
    return DEFAULT_IMAGE_SIZE


def _jpeg_size(data: bytes) -> tuple[int, int] | None:
    index = 2
    while index + 9 < len(data) and data[index] == 0xFF:
        marker = data[index + 1]
        length = int.from_bytes(data[index + 2 : index + 4], "big")
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            height, width = struct.unpack(">HH", data[index + 5 : index + 9])
            return int(width), int(height)
        index += 2 + length
    return None


def new_photo(state: EmulatorState, data: bytes, mime_type: str | None = None) -> list[Any]:
    """Store a photo and return its PhotoSize list (a thumbnail and the full size)."""
    width, height = image_size(data)
    scale = min(1.0, THUMBNAIL_SIDE / max(width, height, 1))
    small = state.add_file(data, "photo", mime_type or "image/jpeg")
    large = state.add_file(data, "photo", mime_type or "image/jpeg")
    sizes = [
        _photo_size(small, max(1, round(width * scale)), max(1, round(height * scale))),
        _photo_size(large, width, height),
    ]
    small.attributes["photo"] = large.attributes["photo"] = sizes
    return sizes


def reused_photo(stored: StoredFile) -> list[Any]:
    """The PhotoSize list for a photo sent again by file_id."""
    sizes = stored.attributes.get("photo")
    if isinstance(sizes, list):
        return sizes
    return [_photo_size(stored, *image_size(stored.data))]


def _photo_size(stored: StoredFile, width: int, height: int) -> dict[str, Any]:
    return {
        "file_id": stored.file_id,
        "file_unique_id": stored.file_unique_id,
        "file_size": len(stored.data),
        "width": width,
        "height": height,
    }


def _base(stored: StoredFile) -> dict[str, Any]:
    base: dict[str, Any] = {
        "file_id": stored.file_id,
        "file_unique_id": stored.file_unique_id,
        "file_size": len(stored.data),
    }
    if stored.mime_type:
        base["mime_type"] = stored.mime_type
    return base


def document(stored: StoredFile) -> dict[str, Any]:
    """Telegram's Document object."""
    result = _base(stored)
    if stored.file_name:
        result["file_name"] = stored.file_name
    return result


def voice(stored: StoredFile, duration: int | None) -> dict[str, Any]:
    """Telegram's Voice object (duration remembered for reuse by file_id)."""
    if duration is not None:
        stored.attributes["duration"] = duration
    return {**_base(stored), "duration": int(stored.attributes.get("duration", 1))}


def audio(stored: StoredFile, duration: int | None, extra: dict[str, Any]) -> dict[str, Any]:
    """Telegram's Audio object; `extra` may carry title and performer."""
    result = voice(stored, duration)
    if stored.file_name:
        result["file_name"] = stored.file_name
    result.update({key: value for key, value in extra.items() if value})
    return result


def video_note(stored: StoredFile, duration: int | None, length: int | None) -> dict[str, Any]:
    """Telegram's VideoNote object (a round video of `length` pixels square)."""
    result = voice(stored, duration)
    result.pop("mime_type", None)
    if length:
        stored.attributes["length"] = length
    result["length"] = int(stored.attributes.get("length", DEFAULT_NOTE_LENGTH))
    return result


def video(
    stored: StoredFile, duration: int | None, width: int | None, height: int | None
) -> dict[str, Any]:
    """Telegram's Video object."""
    result = voice(stored, duration)
    if width and height:
        stored.attributes["size"] = (width, height)
    result["width"], result["height"] = stored.attributes.get("size", DEFAULT_IMAGE_SIZE)
    if stored.file_name:
        result["file_name"] = stored.file_name
    return result
