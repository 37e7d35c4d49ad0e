"""JSON view objects of chat messages and personas, the shapes the page renders.

Bot text is shown as the HTML it was sent with (sanitised); user text and bot text sent
without a parse mode are escaped and linkified, as Telegram clients do.
"""

from __future__ import annotations

import html
from typing import Any

from sandbox.emulator.state import ChatState, EmulatorState, StoredMessage
from sandbox.web.sanitize import linkify, telegram_html

_FILE_KINDS = ("photo", "document", "voice", "audio", "video")
_DESCRIPTIONS = {
    "photo": "Photo",
    "document": "File",
    "voice": "Voice message",
    "audio": "Audio",
    "video": "Video",
    "location": "Location",
    "contact": "Contact",
}


def media_url(file_id: str) -> str:
    """Where the page fetches a file's bytes."""
    return f"media/{file_id}"  # relative: each bot's page (/, /b/<bot>/) serves its own


def message_view(state: EmulatorState, stored: StoredMessage) -> dict[str, Any]:
    """A message as the page shows it (a deleted one keeps only its id and flags)."""
    message = stored.message
    view: dict[str, Any] = {
        "id": stored.message_id,
        "chat_id": int(message["chat"]["id"]),
        "from": "bot" if stored.from_bot else "user",
        "date": int(message.get("date", 0)),
        "edited": "edit_date" in message,
        "deleted": stored.deleted,
        "version": stored.version,
    }
    if stored.deleted:
        return view
    text = str(message.get("text", message.get("caption", "")))
    view.update(
        text=text,
        html=_html(stored, text),
        buttons=inline_buttons(message.get("reply_markup")),
        keyboard=keyboard_view(stored.reply_keyboard) if stored.from_bot else None,
        media=media_view(state, message),
        media_group_id=message.get("media_group_id"),
        reply_to=_reply_to(message.get("reply_to_message")),
        silent=stored.silent,
    )
    return view


def _html(stored: StoredMessage, text: str) -> str:
    is_html = (stored.parse_mode or "").lower() == "html"
    if stored.from_bot and is_html and stored.source_text is not None:
        return telegram_html(stored.source_text)
    return linkify(text)


def _reply_to(replied: dict[str, Any] | None) -> dict[str, Any] | None:
    if not replied:
        return None
    text = str(replied.get("text", replied.get("caption", ""))) or _describe(replied)
    return {"id": replied.get("message_id"), "text": text[:200]}


def inline_buttons(markup: dict[str, Any] | None) -> list[list[dict[str, str]]]:
    """Inline keyboard rows of {label, kind (callback|url|copy|unsupported), value}."""
    if not markup or "inline_keyboard" not in markup:
        return []
    return [[_inline_button(button) for button in row] for row in markup["inline_keyboard"]]


def _inline_button(button: dict[str, Any]) -> dict[str, str]:
    label = str(button.get("text", ""))
    if "callback_data" in button:
        return {"label": label, "kind": "callback", "value": str(button["callback_data"])}
    if "url" in button:
        return {"label": label, "kind": "url", "value": str(button["url"])}
    copy_text = button.get("copy_text")
    if isinstance(copy_text, dict):
        return {"label": label, "kind": "copy", "value": str(copy_text.get("text", ""))}
    return {"label": label, "kind": "unsupported", "value": ""}


def keyboard_view(markup: dict[str, Any] | None) -> dict[str, Any] | None:
    """A reply keyboard ({rows, one_time, placeholder}), {remove: true}, or None."""
    if not markup:
        return None
    if markup.get("remove_keyboard"):
        return {"remove": True}
    if "keyboard" not in markup:
        return None  # force_reply: nothing to draw
    rows = [[_key(button) for button in row] for row in markup["keyboard"]]
    return {
        "rows": rows,
        "one_time": bool(markup.get("one_time_keyboard")),
        "placeholder": markup.get("input_field_placeholder"),
    }


def _key(button: Any) -> dict[str, Any]:
    if isinstance(button, str):
        return {"label": button, "request_contact": False, "request_location": False}
    return {
        "label": str(button.get("text", "")),
        "request_contact": bool(button.get("request_contact")),
        "request_location": bool(button.get("request_location")),
    }


def current_keyboard(chat: ChatState) -> dict[str, Any] | None:
    """The reply keyboard the chat shows now: the latest bot message that set or removed one."""
    for stored in reversed(chat.messages.values()):
        view = keyboard_view(stored.reply_keyboard) if stored.from_bot else None
        if view is not None:
            return None if view.get("remove") else view
    return None


def media_view(state: EmulatorState, message: dict[str, Any]) -> dict[str, Any] | None:
    """The message's photo/file/voice/location/contact for display, or None."""
    if "location" in message:
        location = message["location"]
        return {"kind": "location", **{k: location[k] for k in ("latitude", "longitude")}}
    if "contact" in message:
        return {"kind": "contact", **message["contact"]}
    kind = next((kind for kind in _FILE_KINDS if kind in message), None)
    if kind is None:
        return None
    content = message[kind]
    item = content[-1] if isinstance(content, list) else content  # the largest PhotoSize
    stored = state.files.get(str(item["file_id"]))
    view: dict[str, Any] = {
        "kind": kind,
        "file_id": item["file_id"],
        "url": media_url(str(item["file_id"])),
        "mime": item.get("mime_type") or (stored.mime_type if stored else None),
        "size": item.get("file_size"),
    }
    optional = ("file_name", "duration", "width", "height", "title", "performer")
    view.update({key: item[key] for key in optional if key in item})
    return view


def _describe(message: dict[str, Any]) -> str:
    kind = next((kind for kind in _DESCRIPTIONS if kind in message), None)
    return _DESCRIPTIONS[kind] if kind else ""


def preview(stored: StoredMessage) -> dict[str, Any]:
    """A one-line summary of a message for the persona list."""
    message = stored.message
    text = str(message.get("text", message.get("caption", ""))) or _describe(message)
    return {"from": "bot" if stored.from_bot else "user", "text": text[:120]}


def escape(text: str) -> str:
    """HTML-escape (for the page template)."""
    return html.escape(text, quote=True)
