"""Our ExtBot: tolerant of malformed updates from the Bot API, and quiet about their content."""

from __future__ import annotations

import logging
from typing import Any

from telegram import Update
from telegram.ext import ExtBot

log = logging.getLogger(__name__)


class TolerantBot(ExtBot[None]):
    """python-telegram-bot parses a getUpdates batch all at once: one malformed update fails
    the whole batch, is retried forever with the same offset, and is logged in full (message
    text included). Here each update is checked alone; a malformed one is replaced by an empty
    update with its id, so the offset moves past it and nothing personal is logged."""

    async def _post(self, endpoint: str, data: Any = None, *args: Any, **kwargs: Any) -> Any:
        result = await super()._post(endpoint, data, *args, **kwargs)
        if endpoint == "getUpdates" and isinstance(result, list):
            return [self._checked(item) for item in result]
        return result

    def _checked(self, item: Any) -> Any:
        update_id = item.get("update_id") if isinstance(item, dict) else None
        try:
            Update.de_json(item, self)
        except Exception as error:  # noqa: BLE001 - any parse failure means "skip this one"
            log.warning("malformed update %s skipped (%s)", update_id, type(error).__name__)
            return {"update_id": update_id if isinstance(update_id, int) else 0}
        return item
