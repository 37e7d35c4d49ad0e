"""Bot API methods that are not message sends: identity, menus, chat info and answers."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import Any

from sandbox.emulator import media, messaging, profile, updates
from sandbox.emulator.errors import bad_request
from sandbox.emulator.messaging import chat_id_of, sendable_chat
from sandbox.emulator.params import Params
from sandbox.emulator.state import EmulatorState

Handler = Callable[[EmulatorState, Params], Awaitable[Any]]
CommandKey = tuple[tuple[str, int | None, int | None], str]
QUERY_INVALID = "query is too old and response timeout expired or query ID is invalid"
CHAT_ACTIONS = frozenset(
    (
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    )
)
SCOPES = frozenset(
    (
        "default",
        "all_private_chats",
        "all_group_chats",
        "all_chat_administrators",
        "chat",
        "chat_administrators",
        "chat_member",
    )
)
_COMMAND = re.compile(r"[a-z0-9_]{1,32}")


async def get_me(state: EmulatorState, params: Params) -> Any:
    """getMe."""
    return {
        **state.bot,
        "can_join_groups": True,
        "can_read_all_group_messages": False,
        "supports_inline_queries": True,
        "can_connect_to_business": False,
        "has_main_web_app": False,
    }


def _scope_key(params: Params) -> CommandKey:
    scope = params.json("scope") or {"type": "default"}
    if not isinstance(scope, dict) or scope.get("type") not in SCOPES:
        raise bad_request("can't parse BotCommandScope JSON object")
    chat_id = scope.get("chat_id")
    user_id = scope.get("user_id")
    key = (
        str(scope["type"]),
        int(chat_id) if chat_id is not None else None,
        int(user_id) if user_id is not None else None,
    )
    return key, params.text("language_code") or ""


def _validated_commands(params: Params) -> list[Any]:
    commands = params.json("commands")
    if not isinstance(commands, list) or len(commands) > 100:
        raise bad_request("can't parse commands JSON object")
    for command in commands:
        if not isinstance(command, dict) or not _COMMAND.fullmatch(str(command.get("command"))):
            raise bad_request("BOT_COMMAND_INVALID")
        if not 1 <= len(str(command.get("description") or "")) <= 256:
            raise bad_request("command description must be 1-256 characters long")
    return commands


def _commands_event(key: CommandKey, commands: list[Any]) -> dict[str, Any]:
    return {"scope": key[0][0], "language_code": key[1], "commands": commands}


async def set_my_commands(state: EmulatorState, params: Params) -> Any:
    """setMyCommands per (scope, language_code); an empty list deletes."""
    commands = _validated_commands(params)
    key = _scope_key(params)
    if commands:
        state.commands[key] = commands
    else:
        state.commands.pop(key, None)
    state.changed("commands", 0, _commands_event(key, commands))
    return True


async def get_my_commands(state: EmulatorState, params: Params) -> Any:
    """getMyCommands for exactly this (scope, language_code), like Telegram."""
    return state.commands.get(_scope_key(params), [])


async def delete_my_commands(state: EmulatorState, params: Params) -> Any:
    """deleteMyCommands."""
    key = _scope_key(params)
    state.commands.pop(key, None)
    state.changed("commands", 0, _commands_event(key, []))
    return True


async def set_chat_menu_button(state: EmulatorState, params: Params) -> Any:
    """setChatMenuButton (no chat_id: the default button)."""
    chat_id = chat_id_of(params)
    if chat_id is not None:
        state.chat(chat_id)
    button = params.json("menu_button") or {"type": "default"}
    state.menu_buttons[chat_id] = button
    return True


async def get_chat_menu_button(state: EmulatorState, params: Params) -> Any:
    """getChatMenuButton."""
    chat_id = chat_id_of(params)
    return state.menu_buttons.get(chat_id) or state.menu_buttons.get(None) or {"type": "commands"}


async def get_chat(state: EmulatorState, params: Params) -> Any:
    """getChat: a ChatFullInfo for a private chat."""
    chat = state.chat(chat_id_of(params))
    gifts = ("unlimited_gifts", "limited_gifts", "unique_gifts", "premium_subscription")
    return {
        **chat.chat,
        "accent_color_id": 0,
        "max_reaction_count": 11,
        "accepted_gift_types": {**dict.fromkeys(gifts, True), "gifts_from_channels": False},
    }


async def send_chat_action(state: EmulatorState, params: Params) -> Any:
    """sendChatAction."""
    chat = sendable_chat(state, params)
    action = params.text("action") or ""
    if action not in CHAT_ACTIONS:
        raise bad_request("wrong parameter action in request")
    state.changed("chat_action", chat.chat_id, {"action": action})
    return True


async def answer_callback_query(state: EmulatorState, params: Params) -> Any:
    """answerCallbackQuery: once per query."""
    query_id = params.text("callback_query_id") or ""
    if query_id not in state.callback_answers or state.callback_answers[query_id] is not None:
        raise bad_request(QUERY_INVALID)
    text = params.text("text")
    if text and len(text) > 200:
        raise bad_request("MESSAGE_TOO_LONG")
    answer = {"text": text, "show_alert": params.flag("show_alert"), "url": params.text("url")}
    state.callback_answers[query_id] = answer
    chat_id = state.query_chats.get(query_id, 0)
    state.changed("callback_answer", chat_id, {"callback_query_id": query_id, **answer})
    return True


async def answer_inline_query(state: EmulatorState, params: Params) -> Any:
    """answerInlineQuery: the results are recorded for the user who asked."""
    query_id = params.text("inline_query_id") or ""
    if query_id not in state.inline_answers or state.inline_answers[query_id] is not None:
        raise bad_request(QUERY_INVALID)
    results = params.json("results")
    if not isinstance(results, list) or len(results) > 50:
        raise bad_request("can't parse inline query results JSON object")
    ids = [str(result.get("id")) for result in results if isinstance(result, dict)]
    if len(ids) != len(results) or len(set(ids)) != len(ids):
        raise bad_request("RESULT_ID_DUPLICATE")
    answer = {"results": results, "next_offset": params.text("next_offset") or ""}
    state.inline_answers[query_id] = answer
    state.changed("inline_answer", state.query_chats.get(query_id, 0), answer)
    return True


async def _true(state: EmulatorState, params: Params) -> Any:
    return True


HANDLERS: dict[str, Handler] = {
    "getMe": get_me,
    "setMyCommands": set_my_commands,
    "getMyCommands": get_my_commands,
    "deleteMyCommands": delete_my_commands,
    "setChatMenuButton": set_chat_menu_button,
    "getChatMenuButton": get_chat_menu_button,
    "getChat": get_chat,
    "sendChatAction": send_chat_action,
    "answerCallbackQuery": answer_callback_query,
    "answerInlineQuery": answer_inline_query,
    "logOut": _true,
    "close": _true,
    **profile.HANDLERS,
    **updates.HANDLERS,
    **messaging.HANDLERS,
    **media.HANDLERS,
}
ALL_METHODS: dict[str, Handler] = {name.lower(): handler for name, handler in HANDLERS.items()}
SEND_METHODS = frozenset(
    name.lower() for name in HANDLERS if name.startswith("send") and name != "sendChatAction"
)
