"""reply_markup validation (as Telegram rejects it) and read-only views of keyboards."""

from __future__ import annotations

import urllib.parse
from typing import Any

from sandbox.emulator.errors import BotApiError, bad_request
from sandbox.emulator.params import Params

_INLINE_ACTIONS = (
    "url",
    "callback_data",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
)
_MARKUP_ERROR = "can't parse reply keyboard markup JSON object"


def parse_reply_markup(params: Params) -> dict[str, Any] | None:
    """The validated `reply_markup` of a call, or None."""
    try:
        markup = params.json("reply_markup")
    except BotApiError:
        raise bad_request(_MARKUP_ERROR) from None
    if markup is None:
        return None
    if not isinstance(markup, dict):
        raise bad_request(_MARKUP_ERROR)
    if "inline_keyboard" in markup:
        _validate_inline(markup["inline_keyboard"])
    elif "keyboard" in markup:
        _validate_reply_keyboard(markup["keyboard"])
    elif not markup.get("remove_keyboard") and not markup.get("force_reply"):
        raise bad_request(_MARKUP_ERROR)
    return markup


def is_inline(markup: dict[str, Any] | None) -> bool:
    """Whether a markup is an inline keyboard (the only kind Message.reply_markup shows)."""
    return markup is not None and "inline_keyboard" in markup


def inline_rows(markup: dict[str, Any] | None) -> list[list[tuple[str, str]]]:
    """Inline buttons as rows of (label, callback_data or url or "")."""
    if markup is None or "inline_keyboard" not in markup:
        return []
    return [
        [
            (button["text"], button.get("callback_data") or button.get("url") or "")
            for button in row
        ]
        for row in markup["inline_keyboard"]
    ]


def keyboard_rows(markup: dict[str, Any] | None) -> list[list[str]]:
    """Reply keyboard labels as rows."""
    if markup is None or "keyboard" not in markup:
        return []
    return [[button_label(button) for button in row] for row in markup["keyboard"]]


def button_label(button: Any) -> str:
    """The label of a reply-keyboard button (a string or a KeyboardButton object)."""
    return button if isinstance(button, str) else str(button.get("text", ""))


def _rows(keyboard: Any, name: str) -> list[list[Any]]:
    if not isinstance(keyboard, list) or not all(isinstance(row, list) for row in keyboard):
        raise bad_request(f'field "{name}" must be an Array of Arrays')
    return keyboard


def _validate_inline(keyboard: Any) -> None:
    for row in _rows(keyboard, "inline_keyboard"):
        for button in row:
            if not isinstance(button, dict) or not str(button.get("text") or "").strip():
                raise bad_request("BUTTON_TEXT_INVALID")
            actions = [key for key in _INLINE_ACTIONS if key in button]
            if not actions:
                raise bad_request("text buttons are unallowed in the inline keyboard")
            if "callback_data" in button:
                _validate_callback_data(button["callback_data"])
            if "url" in button:
                _validate_url(button["url"])


def _validate_callback_data(data: Any) -> None:
    if not isinstance(data, str) or not 1 <= len(data.encode("utf-8")) <= 64:
        raise bad_request("BUTTON_DATA_INVALID")


def _validate_url(url: Any) -> None:
    parsed = urllib.parse.urlparse(url if isinstance(url, str) else "")
    if parsed.scheme not in ("http", "https", "tg") or not (parsed.netloc or parsed.path):
        raise bad_request(f"inline keyboard button URL '{url}' is invalid: Wrong HTTP URL")


def _validate_reply_keyboard(keyboard: Any) -> None:
    for row in _rows(keyboard, "keyboard"):
        for button in row:
            if not isinstance(button, str | dict) or not button_label(button).strip():
                raise bad_request("BUTTON_TEXT_INVALID")
