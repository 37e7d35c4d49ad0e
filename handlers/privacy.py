"""/privacy and /audit: the policy in short, consents, marketing, business retention,
restoring a deleted organization, and the audit log."""

from __future__ import annotations

from datetime import datetime

from babel.dates import format_date
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from core.domain import ConsentKind
from core.privacy_model import AuditEvent, ConsentRecord, PrivacySummary
from core.retention import BUSINESS_CHOICES
from handlers.context import BotContext
from handlers.formatting import when
from handlers.i18n import N_, Translator, escape
from handlers.keyboards import button, rows
from handlers.replies import drop_keyboard, reply

CONSENT_NAMES = {
    ConsentKind.AGE_16.value: N_("Age 16 or over"),
    ConsentKind.PRIVACY_POLICY.value: N_("Privacy policy"),
    ConsentKind.MARKETING.value: N_("Marketing messages"),
}
AUDIT_NAMES = {
    "client.viewed": N_("viewed client #{id}"),
    "client.deleted": N_("erased client #{id}"),
    "data.exported": N_("exported the organization's data"),
    "data.personal_exported": N_("exported their own data"),
    "account.deleted": N_("deleted their account"),
    "org.deletion_requested": N_("asked to delete the organization"),
    "org.restored": N_("restored the organization"),
    "org.deactivated": N_("deactivated the organization"),
    "org.reactivated": N_("reactivated the organization"),
    "member.role_changed": N_("changed a member's role (#{id})"),
    "member.access_changed": N_("changed a member's access (#{id})"),
    "setting.changed": N_("changed a setting"),
    "admin.sign_in": N_("signed in to the admin panel"),
}


def _day(t: Translator, moment: datetime) -> str:
    return format_date(moment.date(), "medium", locale=t.locale)


def policy_lines(t: Translator, url: str) -> list[str]:
    return [
        t("<b>Privacy and your data</b>"),
        t(
            "We keep what the CRM needs to work: your Telegram name and language, your "
            "organizations and roles, and the business data your organization enters. We never "
            "sell it. Voice notes are transcribed by SaluteSpeech; AI summaries get them only "
            "after names, phones and addresses are removed."
        ),
        t(
            "How long: technical logs 1 year, voice notes and transcripts 3 years, financial "
            "records 7 years; deleted data is purged from storage and backups within 90 days."
        ),
        t('The full policy: <a href="{url}">{url}</a>', url=url),
    ]


def consent_lines(
    t: Translator, consents: tuple[ConsentRecord, ...], marketing: bool
) -> list[str]:
    latest = {c.kind: c for c in consents}
    lines = ["", t("<b>Your consents</b>")]
    for kind, name in CONSENT_NAMES.items():
        record = latest.get(kind)
        if kind == ConsentKind.MARKETING.value:
            state = t.raw("on") if marketing else t.raw("off")
            lines.append(f"• {escape(t.raw(name))}: {escape(state)}")
        elif record is not None:
            state = t.raw("given") if record.accepted else t.raw("declined")
            lines.append(
                t(
                    "• {name}: {state} on {date} (policy {version})",
                    name=t.raw(name),
                    state=state,
                    date=_day(t, record.created_at),
                    version=record.policy_version,
                )
            )
    return lines


def action_lines(t: Translator, summary: PrivacySummary) -> list[str]:
    lines = ["", t("<b>What you can do</b>")]
    lines.append(t("/mydata — a copy of everything we hold about you"))
    lines.append(t("/notifications — choose which notifications you receive and when"))
    lines.append(t("/deleteme — delete your account"))
    org = summary.organization
    if org is not None and summary.is_owner:
        lines += [
            "",
            t("<b>{org}</b> (you are its owner)", org=org.name),
            t("/export — all of the organization's data as a ZIP"),
            t("/audit — who viewed, exported, changed or deleted what"),
            t("/forget name or phone — erase a client's personal data"),
            t("/deactivate — pause it: read-only, no notifications, no billing (/reactivate)"),
            t("/deleteorg — delete it (it can be restored for 30 days)"),
            retention_line(t, summary.retention_days),
        ]
    for pending in summary.pending:
        lines.append(
            t(
                "⚠️ {org} will be deleted for good on {date}.",
                org=pending.organization.name,
                date=_day(t, pending.purge_at),
            )
        )
    return lines


def retention_line(t: Translator, days: int | None) -> str:
    if days is None:
        return t("Business data (clients, order details) is kept until you delete it.")
    return t.n(
        "Business data (clients, order details) is kept for {count} day after the last use.",
        "Business data (clients, order details) is kept for {count} days after the last use.",
        days,
    )


def privacy_keyboard(t: Translator, summary: PrivacySummary) -> InlineKeyboardMarkup:
    marketing = t.raw("Turn marketing off") if summary.marketing else t.raw("Turn marketing on")
    grid = [[button(marketing, "pv", "mk", 0 if summary.marketing else 1)]]
    if summary.organization is not None and summary.is_owner:
        current = summary.retention_days
        choices = [
            button(("✓ " if d == current else "") + _keep_label(t, d), "pv", "rt", d or 0)
            for d in BUSINESS_CHOICES
        ]
        grid += [list(row) for row in rows(choices, 3).inline_keyboard]
    for pending in summary.pending:
        label = t("Restore {org}", org=pending.organization.name)
        grid.append([button(label, "pv", "ro", pending.organization.id)])
    return InlineKeyboardMarkup(grid)


def _keep_label(t: Translator, days: int | None) -> str:
    if days is None:
        return t.raw("Keep")
    if days % 365 == 0:
        return t.n("{count} year", "{count} years", days // 365)
    return t.n("{count} month", "{count} months", round(days / 30))


async def privacy(update: Update, ctx: BotContext) -> None:
    t = ctx.t
    summary = await ctx.services.privacy.summary(ctx.actor)
    lines = policy_lines(t, ctx.bot_data.privacy_policy_url)
    lines += consent_lines(t, summary.consents, summary.marketing)
    lines += action_lines(t, summary)
    await reply(update, "\n".join(lines), privacy_keyboard(t, summary))


async def privacy_action(update: Update, ctx: BotContext) -> None:
    """`pv:mk:<0|1>` marketing, `pv:rt:<days>` retention, `pv:ro:<org>` restore,
    `pv:au:<page>` an audit page."""
    query = update.callback_query
    assert query is not None
    _, what, value = (query.data or "").split(":")
    t, actor, number = ctx.t, ctx.actor, int(value)
    if what == "au":
        await query.answer()
        await _audit_page(update, ctx, number)
        return
    if what == "mk":
        on = await ctx.services.privacy.set_marketing(actor, bool(number))
        text = t("Marketing messages are on.") if on else t("Marketing messages are off.")
    elif what == "rt":
        days = await ctx.services.privacy.set_retention(actor, number or None)
        text = retention_line(t, days)
    else:
        restored = await ctx.services.erasure.restore_org(actor, number)
        text = t("{org} is restored and active again.", org=restored.organization.name)
    await query.answer(t.raw("Saved."))
    await drop_keyboard(query)
    await reply(update, text)


async def audit(update: Update, ctx: BotContext) -> None:
    await _audit_page(update, ctx, 0)


async def _audit_page(update: Update, ctx: BotContext, number: int) -> None:
    t, actor = ctx.t, ctx.actor
    page = await ctx.services.audit.page(actor, number)
    zone = actor.organization.timezone if actor.organization else "UTC"
    lines = [t("<b>Audit log</b> (page {page} of {pages})", page=number + 1, pages=page.pages)]
    lines += [audit_line(t, event, zone) for event in page.items]
    if not page.items:
        lines.append(t("Nothing recorded yet."))
    nav: list[InlineKeyboardButton] = []
    if number > 0:
        nav.append(button("‹", "pv", "au", number - 1))
    if number + 1 < page.pages:
        nav.append(button("›", "pv", "au", number + 1))
    await reply(update, "\n".join(lines), InlineKeyboardMarkup([nav]) if nav else None)


def audit_line(t: Translator, event: AuditEvent, zone: str) -> str:
    what = AUDIT_NAMES.get(event.action)
    described = t(what, id=event.subject_id or "?") if what else escape(event.action)
    who = escape(event.actor_name or t.raw("a deleted user"))
    return f"{escape(when(t, event.created_at, zone))} · {who} · {described}"
