"""A bot's profile texts: setMyDescription, setMyShortDescription and setMyName, each per
`language_code` ("" is the default for every language), read back with the get* methods the
way Telegram answers them (the language's own text, else the default, else empty)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from sandbox.emulator.errors import bad_request
from sandbox.emulator.params import Params
from sandbox.emulator.state import EmulatorState

# Telegram's limits: a description 0-512 characters, a short description 0-120, a name 0-64.
LIMITS = {"description": 512, "short_description": 120, "name": 64}


def texts(state: EmulatorState) -> dict[tuple[str, str], str]:
    """The bot's profile texts by (kind, language_code)."""
    return state.profile_texts


def _language(params: Params) -> str:
    code = str(params.text("language_code") or "")
    if code and (len(code) != 2 or not code.isalpha()):
        raise bad_request("language code is invalid")
    return code.lower()


def _setter(kind: str) -> Callable[[EmulatorState, Params], Awaitable[Any]]:
    async def set_text(state: EmulatorState, params: Params) -> Any:
        value = params.text(kind) or ""
        if len(value) > LIMITS[kind]:
            raise bad_request(f"{kind} is too long")
        key = (kind, _language(params))
        if value:
            texts(state)[key] = value
        else:
            texts(state).pop(key, None)
        state.changed(kind, 0, {"language_code": key[1], kind: value})
        return True

    return set_text


def _getter(kind: str) -> Callable[[EmulatorState, Params], Awaitable[Any]]:
    async def get_text(state: EmulatorState, params: Params) -> Any:
        known = texts(state)
        value = known.get((kind, _language(params))) or known.get((kind, ""), "")
        if kind == "name" and not value:
            value = str(state.bot.get("first_name") or "")
        return {kind: value}

    return get_text


HANDLERS = {
    "setMyDescription": _setter("description"),
    "getMyDescription": _getter("description"),
    "setMyShortDescription": _setter("short_description"),
    "getMyShortDescription": _getter("short_description"),
    "setMyName": _setter("name"),
    "getMyName": _getter("name"),
}
