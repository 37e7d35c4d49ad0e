"""Media sends (photo, document, voice, audio, video, location, albums) and getFile."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

from sandbox.emulator import files
from sandbox.emulator.errors import bad_request
from sandbox.emulator.messaging import caption_of, compose, render_caption, sendable_chat
from sandbox.emulator.params import Params, UploadedFile
from sandbox.emulator.state import EmulatorState, StoredFile

Source = StoredFile | UploadedFile
Builder = Callable[[EmulatorState, Source, Params], Any]
_GROUP_IDS = itertools.count(13_000_000_000_000_001)
ALBUM_KINDS = ("photo", "video", "document", "audio")
WRONG_FILE = "wrong file identifier/HTTP URL specified"
ALONE_IN_ALBUMS = ("document", "audio")


def _resolve(state: EmulatorState, params: Params, field: str) -> Source:
    upload = params.files.get(field)
    if upload is not None:
        return upload
    reference = params.text(field)
    if not reference:
        raise bad_request(f"there is no {field} in the request")
    return _resolve_reference(state, params, reference)


def _resolve_reference(state: EmulatorState, params: Params, reference: str) -> Source:
    if reference.startswith("attach://"):
        upload = params.files.get(reference.removeprefix("attach://"))
        if upload is None:
            raise bad_request(WRONG_FILE)
        return upload
    stored = state.files.get(reference)
    if stored is None:
        raise bad_request(WRONG_FILE)
    return stored


def _mime(upload: UploadedFile, default: str) -> str:
    mime = upload.content_type
    return mime if mime and mime != "application/octet-stream" else default


def _store(state: EmulatorState, source: Source, kind: str, default_mime: str) -> StoredFile:
    if isinstance(source, StoredFile):
        return source
    return state.add_file(source.data, kind, _mime(source, default_mime), source.filename)


def _photo(state: EmulatorState, source: Source, params: Params) -> Any:
    if isinstance(source, StoredFile):
        return files.reused_photo(source)
    return files.new_photo(state, source.data, _mime(source, "image/jpeg"))


def _document(state: EmulatorState, source: Source, params: Params) -> Any:
    return files.document(_store(state, source, "document", "application/octet-stream"))


def _voice(state: EmulatorState, source: Source, params: Params) -> Any:
    stored = _store(state, source, "voice", "audio/ogg")
    return files.voice(stored, params.integer("duration"))


def _audio(state: EmulatorState, source: Source, params: Params) -> Any:
    stored = _store(state, source, "audio", "audio/mpeg")
    extra = {"title": params.text("title"), "performer": params.text("performer")}
    return files.audio(stored, params.integer("duration"), extra)


def _video_note(state: EmulatorState, source: Source, params: Params) -> Any:
    stored = _store(state, source, "video_note", "video/mp4")
    return files.video_note(stored, params.integer("duration"), params.integer("length"))


def _video(state: EmulatorState, source: Source, params: Params) -> Any:
    stored = _store(state, source, "video", "video/mp4")
    width, height = params.integer("width"), params.integer("height")
    return files.video(stored, params.integer("duration"), width, height)


BUILDERS: dict[str, Builder] = {
    "photo": _photo,
    "document": _document,
    "voice": _voice,
    "audio": _audio,
    "video": _video,
    "video_note": _video_note,
}


def _media_sender(field: str) -> Callable[[EmulatorState, Params], Any]:
    async def send(state: EmulatorState, params: Params) -> Any:
        chat = sendable_chat(state, params)
        caption = caption_of(params)
        content = BUILDERS[field](state, _checked(_resolve(state, params, field), field), params)
        meta = {"source_text": params.text("caption"), "parse_mode": params.text("parse_mode")}
        return compose(state, chat, params, {field: content, **caption}, **meta).message

    send.__name__ = f"send_{field}"
    return send


async def send_location(state: EmulatorState, params: Params) -> Any:
    """sendLocation."""
    chat = sendable_chat(state, params)
    latitude, longitude = params.number("latitude"), params.number("longitude")
    if latitude is None or not -90 <= latitude <= 90:
        raise bad_request("wrong latitude")
    if longitude is None or not -180 <= longitude <= 180:
        raise bad_request("wrong longitude")
    location = {"latitude": latitude, "longitude": longitude}
    return compose(state, chat, params, {"location": location}).message


def _group_item(state: EmulatorState, params: Params, item: Any) -> dict[str, Any]:
    if not isinstance(item, dict) or item.get("type") not in ALBUM_KINDS:
        raise bad_request("wrong type of media in the album")
    reference = item.get("media")
    if not isinstance(reference, str) or not reference:
        raise bad_request("there is no media in the request")
    caption = render_caption(
        item.get("caption"), item.get("parse_mode"), item.get("caption_entities")
    )
    kind = str(item["type"])
    source = _checked(_resolve_reference(state, params, reference), kind)
    return {kind: BUILDERS[kind](state, source, Params(item)), **caption}


def _checked(source: Source, kind: str) -> Source:
    """A file id is only good for its own kind (a photo's id cannot send a document)."""
    if isinstance(source, StoredFile) and source.kind != kind:
        raise bad_request("type of file mismatch")
    return source


def _check_mix(media: list[Any]) -> None:
    kinds = {item.get("type") for item in media if isinstance(item, dict)}
    for kind in ALONE_IN_ALBUMS:
        if kind in kinds and len(kinds) > 1:
            raise bad_request(f"{kind} can't be mixed with other media types")


async def send_media_group(state: EmulatorState, params: Params) -> Any:
    """sendMediaGroup: 2–10 items sharing a media_group_id; returns the list of messages."""
    chat = sendable_chat(state, params)
    media = params.json("media")
    if not isinstance(media, list) or not 2 <= len(media) <= 10:
        raise bad_request("wrong number of media specified; must be between 2 and 10")
    _check_mix(media)
    contents = [_group_item(state, params, item) for item in media]
    group_id = str(next(_GROUP_IDS))
    # The Bot API's sendMediaGroup has no reply_markup (an album carries no buttons): ignored.
    values = {k: v for k, v in params.values.items() if k != "reply_markup"}
    params = Params(values, params.files)
    return [
        compose(
            state, chat, params, {**content, "media_group_id": group_id},
            source_text=item.get("caption"), parse_mode=item.get("parse_mode"),
        ).message
        for item, content in zip(media, contents, strict=True)
    ]  # fmt: skip


async def get_file(state: EmulatorState, params: Params) -> Any:
    """getFile: the File object whose file_path the file route serves."""
    stored = state.files.get(params.text("file_id") or "")
    if stored is None:
        raise bad_request("invalid file_id")
    return stored.as_file()


HANDLERS = {
    "sendPhoto": _media_sender("photo"),
    "sendDocument": _media_sender("document"),
    "sendVoice": _media_sender("voice"),
    "sendAudio": _media_sender("audio"),
    "sendVideo": _media_sender("video"),
    "sendVideoNote": _media_sender("video_note"),
    "sendLocation": send_location,
    "sendMediaGroup": send_media_group,
    "getFile": get_file,
}
