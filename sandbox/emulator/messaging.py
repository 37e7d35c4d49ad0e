"""Text messages: sendMessage, the edit methods and deleteMessage, plus shared send helpers."""

from __future__ import annotations

from typing import Any

from sandbox.emulator.errors import bad_request, forbidden
from sandbox.emulator.keyboards import is_inline, parse_reply_markup
from sandbox.emulator.markup import render_text, utf16_len
from sandbox.emulator.params import Params
from sandbox.emulator.state import ChatState, EmulatorState, StoredMessage

MAX_TEXT = 4096
MAX_CAPTION = 1024
NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly the "
    "same as a current content and reply markup of the message"
)


def chat_id_of(params: Params) -> int | None:
    """The `chat_id` as an int; unknown usernames or junk count as a chat that does not exist."""
    raw = params.text("chat_id")
    if raw is None or raw == "":
        return None
    try:
        return int(raw)
    except ValueError:
        raise bad_request("chat not found") from None


def sendable_chat(state: EmulatorState, params: Params) -> ChatState:
    """The target chat of a send, refusing chats whose user blocked or never started the bot."""
    chat = state.chat(chat_id_of(params))
    if chat.blocked:
        raise forbidden("bot was blocked by the user")
    if not chat.started:
        raise forbidden("bot can't initiate conversation with a user")
    return chat


def render_caption(
    caption: str | None, parse_mode: str | None, entities: Any = None
) -> dict[str, Any]:
    """`caption` and `caption_entities` fields, validated like Telegram (1024 after parsing)."""
    if not caption:
        return {}
    plain, parsed = render_text(caption, parse_mode, entities)
    if utf16_len(plain) > MAX_CAPTION:
        raise bad_request("message caption is too long")
    fields: dict[str, Any] = {"caption": plain} if plain.strip() else {}
    if parsed and fields:
        fields["caption_entities"] = parsed
    return fields


def caption_of(params: Params) -> dict[str, Any]:
    """The caption fields of a media send."""
    return render_caption(
        params.text("caption"), params.text("parse_mode"), params.json("caption_entities")
    )


def _text_fields(params: Params) -> dict[str, Any]:
    text = params.text("text")
    if not text:
        raise bad_request("message text is empty")
    plain, entities = render_text(text, params.text("parse_mode"), params.json("entities"))
    if not plain.strip():
        raise bad_request("message text is empty")
    if utf16_len(plain) > MAX_TEXT:
        raise bad_request("message is too long")
    return {"text": plain, "entities": entities or None}


def _replied(state: EmulatorState, chat: ChatState, params: Params) -> dict[str, Any] | None:
    reply_parameters = params.json("reply_parameters") or {}
    if not isinstance(reply_parameters, dict):
        raise bad_request("can't parse reply parameters JSON object")
    target = reply_parameters.get("message_id") or params.integer("reply_to_message_id")
    if not target:
        return None
    stored = state.find_message(chat, int(target))
    if stored is not None:
        return {k: v for k, v in stored.message.items() if k != "reply_to_message"}
    if reply_parameters.get("allow_sending_without_reply") or params.flag(
        "allow_sending_without_reply"
    ):
        return None
    raise bad_request("message to be replied not found")


def compose(
    state: EmulatorState, chat: ChatState, params: Params, fields: dict[str, Any], **meta: Any
) -> StoredMessage:
    """Validate the common send options and store the bot's message."""
    markup = parse_reply_markup(params)
    replied = _replied(state, chat, params)
    content = {key: value for key, value in fields.items() if value is not None}
    if replied is not None:
        content["reply_to_message"] = replied
    if is_inline(markup):
        content["reply_markup"] = markup
    preview = params.json("link_preview_options")
    if params.flag("disable_web_page_preview"):
        preview = {"is_disabled": True}
    if isinstance(preview, dict):
        content["link_preview_options"] = preview
    if params.flag("protect_content"):
        content["has_protected_content"] = True
    keyboard = None if is_inline(markup) else markup
    silent = params.flag("disable_notification")
    return state.add_message(
        chat, content, from_bot=True, reply_keyboard=keyboard, silent=silent, **meta
    )


async def send_message(state: EmulatorState, params: Params) -> Any:
    """sendMessage."""
    chat = sendable_chat(state, params)
    fields = _text_fields(params)
    stored = compose(
        state,
        chat,
        params,
        fields,
        source_text=params.text("text"),
        parse_mode=params.text("parse_mode"),
    )
    return stored.message


def _editable(state: EmulatorState, params: Params) -> tuple[ChatState, StoredMessage] | None:
    if params.text("inline_message_id"):
        return None
    chat = state.chat(chat_id_of(params))
    stored = state.find_message(chat, params.integer("message_id"))
    if stored is None:
        raise bad_request("message to edit not found")
    if not stored.from_bot:
        raise bad_request("message can't be edited")
    return chat, stored


def _edit_markup(params: Params) -> dict[str, Any] | None:
    markup = parse_reply_markup(params)
    if markup is not None and not is_inline(markup):
        raise bad_request("inline keyboard expected")
    return markup


def _apply_edit(
    state: EmulatorState, target: tuple[ChatState, StoredMessage], fields: dict[str, Any]
) -> Any:
    chat, stored = target
    if all(stored.message.get(key) == value for key, value in fields.items()):
        raise bad_request(NOT_MODIFIED)
    state.edit_message(chat, stored, fields)
    return stored.message


async def edit_message_text(state: EmulatorState, params: Params) -> Any:
    """editMessageText (inline messages are accepted and only logged)."""
    target = _editable(state, params)
    fields = _text_fields(params)
    fields["reply_markup"] = _edit_markup(params)
    if target is None:
        return True
    if "text" not in target[1].message:
        raise bad_request("there is no text in the message to edit")
    result = _apply_edit(state, target, fields)
    target[1].source_text, target[1].parse_mode = params.text("text"), params.text("parse_mode")
    return result


async def edit_message_caption(state: EmulatorState, params: Params) -> Any:
    """editMessageCaption; an empty caption removes it."""
    target = _editable(state, params)
    fields: dict[str, Any] = {"caption": None, "caption_entities": None}
    fields.update(caption_of(params))
    fields["reply_markup"] = _edit_markup(params)
    if target is None:
        return True
    if "text" in target[1].message:
        raise bad_request("there is no caption in the message to edit")
    result = _apply_edit(state, target, fields)
    target[1].source_text, target[1].parse_mode = params.text("caption"), params.text("parse_mode")
    return result


async def edit_message_reply_markup(state: EmulatorState, params: Params) -> Any:
    """editMessageReplyMarkup; no markup removes the inline keyboard."""
    target = _editable(state, params)
    markup = _edit_markup(params)
    if target is None:
        return True
    return _apply_edit(state, target, {"reply_markup": markup})


async def delete_message(state: EmulatorState, params: Params) -> Any:
    """deleteMessage."""
    chat = state.chat(chat_id_of(params))
    stored = state.find_message(chat, params.integer("message_id"))
    if stored is None:
        raise bad_request("message to delete not found")
    state.delete_message(chat, stored)
    return True


async def delete_messages(state: EmulatorState, params: Params) -> Any:
    """deleteMessages: deletes those that exist, like Telegram."""
    chat = state.chat(chat_id_of(params))
    for message_id in params.json("message_ids") or []:
        stored = state.find_message(chat, int(message_id))
        if stored is not None:
            state.delete_message(chat, stored)
    return True


HANDLERS = {
    "sendMessage": send_message,
    "editMessageText": edit_message_text,
    "editMessageCaption": edit_message_caption,
    "editMessageReplyMarkup": edit_message_reply_markup,
    "deleteMessage": delete_message,
    "deleteMessages": delete_messages,
}
