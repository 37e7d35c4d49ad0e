"""/apikeys: an owner lists, creates and revokes the organization's keys of the REST API
(docs/rest-api.md). `/apikeys new NAME SCOPE...` shows the secret once;
`/apikeys revoke ID` revokes a key. The service checks the role."""

from __future__ import annotations

from telegram import Update

from core.apikeys.model import Scope
from core.errors import DomainError
from handlers.context import BotContext
from handlers.delivery.replies import reply
from handlers.formatting import when
from handlers.i18n import Translator, escape


def _usage(t: Translator) -> str:
    scopes = " ".join(scope.value for scope in Scope)
    return t(
        "Create a key: /apikeys new NAME SCOPE [SCOPE ...]\n"
        "Revoke a key: /apikeys revoke ID\n"
        "Scopes: {scopes}",
        scopes=scopes,
    )


async def _listing(ctx: BotContext) -> str:
    assert ctx.actor.organization is not None
    zone, t = ctx.actor.organization.timezone, ctx.t
    lines = []
    for key in await ctx.services.api_keys.keys(ctx.actor):
        used = when(t, key.last_used_at, zone) if key.last_used_at else t("never")
        lines.append(
            t(
                "#{id} {name} ({prefix}…): {scopes}; last used: {used}",
                id=key.id,
                name=escape(key.name),
                prefix=key.prefix,
                scopes=", ".join(key.scopes),
                used=used,
            )
        )
    head = t("🔑 API keys") if lines else t("🔑 No API keys yet.")
    return "\n".join([head, *lines, "", _usage(t)])


async def apikeys(update: Update, ctx: BotContext) -> None:
    args, t = list(ctx.args or []), ctx.t
    if args[:1] == ["new"] and len(args) >= 3:
        issued = await ctx.services.api_keys.create(ctx.actor, args[1], args[2:])
        text = t(
            "🔑 API key #{id} “{name}” is made. Copy it now, it is not shown again:\n"
            "<code>{secret}</code>\n"
            "Send it in the header Authorization: Bearer KEY.",
            id=issued.key.id,
            name=escape(issued.key.name),
            secret=issued.secret,
        )
        await reply(ctx, update, text)
        return
    if args[:1] == ["revoke"] and len(args) == 2:
        if not args[1].lstrip("#").isdigit() or len(args[1]) > 12:
            raise DomainError("not_found")
        key = await ctx.services.api_keys.revoke(ctx.actor, int(args[1].lstrip("#")))
        await reply(ctx, update, t("API key #{id} is revoked.", id=key.id))
        return
    await reply(ctx, update, await _listing(ctx))
