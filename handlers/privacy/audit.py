"""/audit: the organization's audit log, a page at a time; a setting change says which
setting changed, from what to what."""

from __future__ import annotations

from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from core.admin.model import CREDENTIALS
from core.privacy.model import AuditEvent
from handlers import callbacks as cb
from handlers.context import BotContext
from handlers.delivery.replies import reply
from handlers.formatting import when
from handlers.i18n import N_, Translator, escape
from handlers.keyboards import button

AUDIT_NAMES = {
    "client.viewed": N_("viewed client #{id}"),
    "client.deleted": N_("erased client #{id}"),
    "client.restricted": N_("restricted processing of client #{id}"),
    "client.restriction_lifted": N_("lifted the restriction of client #{id}"),
    "client.request_recorded": N_("recorded a data request of client #{id}"),
    "client.objected": N_("recorded client #{id}'s objection to automated processing"),
    "client.objection_withdrawn": N_("withdrew client #{id}'s objection to automated processing"),
    "client.edited": N_("corrected client #{id}"),
    "client.package_exported": N_("exported the data package of client #{id}"),
    "data.exported": N_("exported the organization's data"),
    "data.personal_exported": N_("exported their own data"),
    "account.deleted": N_("deleted their account"),
    "account.restricted": N_("restricted processing of their own data"),
    "account.restriction_lifted": N_("lifted the restriction of their own data"),
    "org.deletion_requested": N_("asked to delete the organization"),
    "org.restored": N_("restored the organization"),
    "org.deactivated": N_("deactivated the organization"),
    "org.reactivated": N_("reactivated the organization"),
    "member.role_changed": N_("changed a member's role (#{id})"),
    "member.access_changed": N_("changed a member's access (#{id})"),
    "setting.changed": N_("changed a setting"),
    "admin.sign_in": N_("signed in to the admin panel"),
    "admin.sign_in_failed": N_("tried a used or expired sign-in link of member #{id}"),
    "admin.signed_out": N_("signed out admin panel session #{id}"),
    "admin.signed_out_everywhere": N_("signed out of the admin panel everywhere"),
    "second_factor.added": N_("added a second factor to their sign-in (#{id})"),
    "second_factor.removed": N_("removed a second factor of their sign-in (#{id})"),
    "second_factor.passed": N_("passed the second factor of their sign-in"),
    "second_factor.failed": N_("typed a wrong second-factor code"),
    "second_factor.recovery_codes": N_("made new recovery codes"),
    "api_key.created": N_("created API key #{id}"),
    "api_key.revoked": N_("revoked API key #{id}"),
    "own_bot.connected": N_("connected the organization's own bot (id {id})"),
    "own_bot.disconnected": N_("disconnected the organization's own bot (id {id})"),
}
SETTING_NAMES = {
    "retention": N_("how long business data is kept"),
    "photos": N_("photos required to finish an order"),
    "grace": N_("hours a worker keeps a client's contacts"),
    "name": N_("the organization's name"),
    "timezone": N_("the time zone"),
    "currency": N_("the currency"),
    "language": N_("the organization's language"),
    "categories": N_("the service categories"),
    "digest_time": N_("their daily digest time"),
    "reminder_minutes": N_("their reminders, minutes before an order"),
    "notify_new_orders": N_("telling managers about new orders"),
    "notify_done": N_("telling managers when an order is done"),
    "notify_payments": N_("telling managers about payments"),
    "own_bot_staff": N_("staff using the organization's own bot"),
    "ai_speech": N_("speech recognition (SaluteSpeech)"),
    "ai_summaries": N_("AI summaries (OpenRouter)"),
    "ai_inbox": N_("AI reading of forwarded requests (YandexGPT)"),
    "second_factor_owners": N_("a second factor required of owners"),
}
CREDENTIAL_STATES = {"set": N_("set"), "removed": N_("removed")}
CREDENTIAL_SETTING = N_("the integration key {key}")


def retention_label(t: Translator, days: int | None) -> str:
    """A business-data limit in short: "Keep", "1 year", "6 months"."""
    if days is None:
        return t.raw("Keep")
    if days % 365 == 0:
        return t.n("{count} year", "{count} years", days // 365)
    return t.n("{count} month", "{count} months", round(days / 30))


def _shown(t: Translator, name: str, value: Any) -> str:
    if name == "retention":
        return t.raw("until deleted") if value is None else retention_label(t, value)
    if isinstance(value, bool):
        return t.raw("on") if value else t.raw("off")
    if value is None:
        return "—"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or "—"
    if name in CREDENTIALS and value in CREDENTIAL_STATES:
        return t.raw(CREDENTIAL_STATES[value])
    return str(value)


def setting_change(t: Translator, data: dict[str, Any]) -> str:
    """For example "changed the time zone: Europe/Moscow → Asia/Yekaterinburg"; entries
    written before old values were kept (`days`, `value`) show the new one only."""
    name = str(data.get("name", ""))
    if name in CREDENTIALS:  # plain text here: t() escapes it as a parameter below
        setting = t.raw(CREDENTIAL_SETTING).format(key=name)
    elif name in SETTING_NAMES:
        setting = t.raw(SETTING_NAMES[name])
    else:
        return t(AUDIT_NAMES["setting.changed"])
    new_key = next((k for k in ("new", "days", "value") if k in data), None)
    if new_key is None:
        return t("changed {setting}", setting=setting)
    new = _shown(t, name, data[new_key])
    if "old" not in data:
        return t("changed {setting}: now {new}", setting=setting, new=new)
    old = _shown(t, name, data["old"])
    return t("changed {setting}: {old} → {new}", setting=setting, old=old, new=new)


def audit_line(t: Translator, event: AuditEvent, zone: str) -> str:
    if event.action == "setting.changed":
        described = setting_change(t, event.data)
    elif event.action == "client.edited" and "field" in event.data:  # masked values
        old, new = (event.data.get(k) or "—" for k in ("old", "new"))
        field, who_id = str(event.data["field"]), event.subject_id or "?"
        described = t("corrected {field} of client #{id}: {old} → {new}", field=field,
                      id=who_id, old=old, new=new)  # fmt: skip
    elif event.action == "account.corrected" and "field" in event.data:  # their own
        old, new = (event.data.get(k) or "—" for k in ("old", "new"))
        described = t("corrected their own {field}: {old} → {new}",
                      field=str(event.data["field"]), old=old, new=new)  # fmt: skip
    elif what := AUDIT_NAMES.get(event.action):
        described = t(what, id=event.subject_id or "?")
    else:
        described = escape(event.action)
    if event.actor_id is None and event.action == "admin.sign_in_failed":
        who = escape(t.raw("someone"))  # nobody known: whoever held the link
    else:
        who = escape(event.actor_name or t.raw("a deleted user"))
    return f"{escape(when(t, event.created_at, zone))} · {who} · {described}"


async def audit(update: Update, ctx: BotContext) -> None:
    await audit_page(update, ctx, 0)


async def audit_page(update: Update, ctx: BotContext, number: int) -> None:
    t, actor = ctx.t, ctx.actor
    page = await ctx.services.audit.page(actor, number)
    zone = actor.organization.timezone if actor.organization else "UTC"
    lines = [t("<b>Audit log</b> (page {page} of {pages})", page=number + 1, pages=page.pages)]
    lines += [audit_line(t, event, zone) for event in page.items]
    if not page.items:
        lines.append(t("Nothing recorded yet."))
    nav: list[InlineKeyboardButton] = []
    if number > 0:
        nav.append(button("‹", cb.AuditPage(number - 1)))
    if number + 1 < page.pages:
        nav.append(button("›", cb.AuditPage(number + 1)))
    await reply(ctx, update, "\n".join(lines), InlineKeyboardMarkup([nav]) if nav else None)
