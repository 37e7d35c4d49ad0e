"""The owner's message when a webhook subscription is switched off after failing
(core.webhooks.sender; docs/webhooks.md): written to the outbox in the transaction that
switches it off, so it is sent once."""

from __future__ import annotations

from collections.abc import Sequence

from core.runtime.outbox import Delivery, Lane, Method
from core.webhooks.model import DisabledNotice, Owner
from handlers.i18n import Catalogs


def disabled_notice(catalogs: Catalogs) -> DisabledNotice:
    def notice(owners: Sequence[Owner], url: str) -> list[Delivery]:
        deliveries = []
        for owner in owners:
            t = catalogs.get(owner.language or catalogs.default)
            text = t(
                "⚠️ Webhook deliveries to {url} kept failing, so this subscription is switched "
                "off. Fix the receiving side, then switch it on again in the admin page "
                "(Settings → Webhooks); missed events can be sent again from its delivery log.",
                url=url,
            )
            params: dict[str, object] = {"text": text}
            deliveries.append(Delivery(owner.telegram_id, Method.SEND, params, Lane.BROADCAST))
        return deliveries

    return notice
