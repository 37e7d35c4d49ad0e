"""The Bot API asked with an organization's own bot token (core.ownbot.ports.BotDirectory):
getMe, and the bot's profile (commands, description, short description) per language.

Telegram answers a wrong or revoked token with HTTP 401 (`TokenRefused`); anything else that
is not `{"ok": true}` raises `BotApiFailure` with the error code only, so the job retries.
Neither the token nor the URL (which holds it) is logged or put in an exception."""

from __future__ import annotations

import json
from typing import Any

import httpx

from core.ownbot.model import BotIdentity, BotProfile, TokenRefused

TIMEOUT_SECONDS = 10.0


class BotApiFailure(Exception):
    """The Bot API did not do what was asked (not a refused token): tried again later."""


class HttpBotDirectory:
    def __init__(self, http: httpx.AsyncClient, api_base: str) -> None:
        """`api_base`: the Bot API's address up to the token (`https://api.telegram.org/bot`
        or the sandbox emulator's)."""
        self._http = http
        self._base = api_base

    async def _call(self, token: str, method: str, params: dict[str, Any]) -> Any:
        try:
            response = await self._http.post(
                f"{self._base}{token}/{method}", json=params, timeout=TIMEOUT_SECONDS
            )
        except httpx.HTTPError as error:
            raise BotApiFailure(f"{method}: {type(error).__name__}") from None
        if response.status_code == 401:
            raise TokenRefused
        try:
            answer = response.json()
        except json.JSONDecodeError:
            raise BotApiFailure(f"{method}: HTTP {response.status_code}") from None
        if not isinstance(answer, dict) or answer.get("ok") is not True:
            code = answer.get("error_code") if isinstance(answer, dict) else None
            raise BotApiFailure(f"{method}: error {code or response.status_code}")
        return answer.get("result")

    async def identify(self, token: str) -> BotIdentity:
        me = await self._call(token, "getMe", {})
        if not isinstance(me, dict) or not me.get("is_bot") or not me.get("username"):
            raise BotApiFailure("getMe: not a bot")
        return BotIdentity(int(me["id"]), str(me["username"]), str(me.get("first_name") or ""))

    async def set_profile(self, token: str, profile: BotProfile) -> None:
        for language, commands in profile.commands.items():
            listed = [{"command": name, "description": text} for name, text in commands]
            await self._call(token, "setMyCommands", _lang({"commands": listed}, language))
        for language, text in profile.descriptions.items():
            await self._call(token, "setMyDescription", _lang({"description": text}, language))
        for language, text in profile.short_descriptions.items():
            params = _lang({"short_description": text}, language)
            await self._call(token, "setMyShortDescription", params)


def _lang(params: dict[str, Any], language: str) -> dict[str, Any]:
    return {**params, "language_code": language} if language else params
