"""How updates reach the bot: getUpdates long polling and the webhook settings."""

from __future__ import annotations

import re
from typing import Any

from sandbox.emulator.errors import bad_request, conflict
from sandbox.emulator.params import Params
from sandbox.emulator.state import EmulatorState, WebhookConfig

_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")


async def get_updates(state: EmulatorState, params: Params) -> Any:
    """getUpdates with long polling; 409 while a webhook is set or another poll takes over."""
    if state.webhook.url:
        raise conflict(
            "can't use getUpdates method while webhook is active; "
            "use deleteWebhook to delete the webhook first"
        )
    state.poll_generation += 1
    generation = state.poll_generation
    state.changed()
    allowed = params.json("allowed_updates")
    if isinstance(allowed, list):
        state.polling_allowed_updates = [str(kind) for kind in allowed]
    state.confirm_updates(params.integer("offset"))
    limit = min(max(params.integer("limit") or 100, 1), 100)

    def ready() -> bool:
        interrupted = state.closing or generation != state.poll_generation
        return interrupted or bool(state.webhook.url or state.deliverable(_allowed(state), limit))

    await state.notifier.wait_for(ready, max(0.0, params.number("timeout") or 0.0))
    _check_still_polling(state, generation)
    return state.deliverable(_allowed(state), limit)


def _check_still_polling(state: EmulatorState, generation: int) -> None:
    if state.webhook.url:
        raise conflict("terminated by setWebhook request")
    if generation != state.poll_generation:
        raise conflict(
            "terminated by other getUpdates request; make sure that only one bot instance is "
            "running"
        )


def _allowed(state: EmulatorState) -> list[str] | None:
    return state.polling_allowed_updates


async def set_webhook(state: EmulatorState, params: Params) -> Any:
    """setWebhook (plain http URLs are allowed, since the bot runs locally)."""
    url = params.text("url") or ""
    secret = params.text("secret_token")
    if secret and not _SECRET.fullmatch(secret):
        raise bad_request("secret token contains unallowed characters")
    if url and not url.startswith(("http://", "https://")):
        raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
    if params.flag("drop_pending_updates"):
        state.updates.clear()
    allowed = params.json("allowed_updates")
    state.webhook = WebhookConfig(
        url=url,
        secret_token=secret or None,
        allowed_updates=[str(kind) for kind in allowed] if isinstance(allowed, list) else None,
        max_connections=params.integer("max_connections") or 40,
    )
    state.changed()
    return True


async def delete_webhook(state: EmulatorState, params: Params) -> Any:
    """deleteWebhook."""
    if params.flag("drop_pending_updates"):
        state.updates.clear()
    state.webhook = WebhookConfig()
    state.changed()
    return True


async def get_webhook_info(state: EmulatorState, params: Params) -> Any:
    """getWebhookInfo."""
    hook = state.webhook
    info: dict[str, Any] = {
        "url": hook.url,
        "has_custom_certificate": False,
        "pending_update_count": len(state.updates),
    }
    if hook.url:
        info["max_connections"] = hook.max_connections
        optional = {
            "allowed_updates": hook.allowed_updates,
            "last_error_date": hook.last_error_date,
            "last_error_message": hook.last_error_message,
        }
        info.update({key: value for key, value in optional.items() if value is not None})
    return info


HANDLERS = {
    "getUpdates": get_updates,
    "setWebhook": set_webhook,
    "deleteWebhook": delete_webhook,
    "getWebhookInfo": get_webhook_info,
}
