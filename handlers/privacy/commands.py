"""/privacy and /audit: the policy in short, consents, marketing, business retention,
restoring a deleted organization, and the audit log."""

from __future__ import annotations

from datetime import datetime

from babel.dates import format_date
from telegram import InlineKeyboardMarkup, Update

from core.domain import ConsentKind
from core.privacy.model import ConsentRecord, PrivacySummary
from core.privacy.retention import BUSINESS_CHOICES, RetentionPreview
from handlers import callbacks as cb
from handlers.context import BotContext
from handlers.delivery.replies import drop_keyboard, reply
from handlers.formatting import when
from handlers.i18n import N_, Translator, escape
from handlers.keyboards import button, column, rows
from handlers.privacy.audit import audit, audit_page, retention_label
from handlers.privacy.own_restriction import (
    restriction_answer,
    restriction_button,
    restriction_lines,
)
from handlers.privacy.policy import answer_keyboard, standing_lines, version_lines

__all__ = ["audit", "privacy", "privacy_action"]

PrivacyTap = (
    cb.Marketing
    | cb.OwnRestriction
    | cb.RetentionAsk
    | cb.RetentionSet
    | cb.RetentionKeep
    | cb.RestoreOrg
    | cb.AuditPage
)

CONSENT_NAMES = {
    ConsentKind.AGE_16.value: N_("Age 16 or over"),
    ConsentKind.PRIVACY_POLICY.value: N_("Privacy policy"),
    ConsentKind.MARKETING.value: N_("Marketing messages"),
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
    lines.append(t("/settings — correct your name, phone and language"))
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


def privacy_keyboard(
    t: Translator, summary: PrivacySummary, restricted: bool = False
) -> InlineKeyboardMarkup:
    marketing = t.raw("Turn marketing off") if summary.marketing else t.raw("Turn marketing on")
    grid = [[button(marketing, cb.Marketing(0 if summary.marketing else 1))]]
    grid.append([restriction_button(t, restricted)])
    if summary.organization is not None and summary.is_owner:
        current = summary.retention_days
        choices = [
            button(("✓ " if d == current else "") + retention_label(t, d), cb.RetentionAsk(d or 0))
            for d in BUSINESS_CHOICES
        ]
        grid += [list(row) for row in rows(choices, 3).inline_keyboard]
    for pending in summary.pending:
        label = t("Restore {org}", org=pending.organization.name)
        grid.append([button(label, cb.RestoreOrg(pending.organization.id))])
    return InlineKeyboardMarkup(grid)


async def privacy(update: Update, ctx: BotContext) -> None:
    t = ctx.t
    summary = await ctx.services.privacy.summary(ctx.actor)
    status = await ctx.services.policy.status()
    lines = policy_lines(t, ctx.bot_data.privacy_policy_url)
    lines += ["", *version_lines(t, status)]
    lines += standing_lines(t, ctx.actor.policy)
    lines += consent_lines(t, summary.consents, summary.marketing)
    lines += action_lines(t, summary)
    lines += restriction_lines(t, ctx.actor.user, _zone(ctx))
    markup = privacy_keyboard(t, summary, ctx.actor.user.restricted)
    standing = ctx.actor.policy
    if standing is not None and (standing.pending or standing.declined):
        answers = answer_keyboard(t, standing).inline_keyboard
        markup = InlineKeyboardMarkup([*answers, *markup.inline_keyboard])
    await reply(ctx, update, "\n".join(lines), markup)


async def privacy_action(update: Update, ctx: BotContext, tap: PrivacyTap) -> None:
    """Marketing on or off; a retention limit asked to confirm (`RetentionAsk`), then set
    (`RetentionSet`) or not (`RetentionKeep`); restoring an organization; an audit page."""
    query = update.callback_query
    assert query is not None
    t, actor = ctx.t, ctx.actor
    if isinstance(tap, cb.AuditPage):
        await query.answer()
        await audit_page(update, ctx, tap.page)
        return
    if isinstance(tap, cb.RetentionAsk):
        preview = await ctx.services.privacy.retention_preview(actor, tap.days or None)
        if preview is not None:
            await query.answer()
            text, markup = retention_question(t, preview, _zone(ctx))
            await reply(ctx, update, text, markup)
            return
    if isinstance(tap, cb.Marketing):
        on = await ctx.services.privacy.set_marketing(actor, bool(tap.on))
        text = t("Marketing messages are on.") if on else t("Marketing messages are off.")
    elif isinstance(tap, cb.OwnRestriction):
        user = await ctx.services.users.restrict_self(actor, bool(tap.on))
        text = restriction_answer(t, user.restricted)
    elif isinstance(tap, cb.RetentionAsk | cb.RetentionSet):
        days = await ctx.services.privacy.set_retention(actor, tap.days or None)
        text = retention_line(t, days)
    elif isinstance(tap, cb.RetentionKeep):
        text = t("Nothing was changed.")
    else:
        restored = await ctx.services.erasure.restore_org(actor, tap.organization_id)
        text = t("{org} is restored and active again.", org=restored.organization.name)
    await query.answer(None if isinstance(tap, cb.RetentionKeep) else t.raw("Saved."))
    await drop_keyboard(ctx, query)
    await reply(ctx, update, text)


def _zone(ctx: BotContext) -> str:
    org = ctx.actor.organization
    return org.timezone if org is not None else "UTC"


def retention_question(
    t: Translator, preview: RetentionPreview, zone: str
) -> tuple[str, InlineKeyboardMarkup]:
    """What a business-data limit would erase, and when, before the owner confirms it."""
    period = retention_label(t, preview.days)
    since = _day(t, preview.cutoff)
    lines = [
        t("<b>Keep business data for {period} after its last use?</b>", period=period),
        t(
            "The daily clean-up on {when} will erase for good:",
            when=when(t, preview.runs_at, zone),
        ),
        t.n(
            "• {count} client not used since {date}, with their phones, addresses, notes "
            "and files;",
            "• {count} clients not used since {date}, with their phones, addresses, notes "
            "and files;",
            preview.clients,
            date=since,
        ),
        t.n(
            "• the addresses, descriptions and photos of {count} order finished before "
            "{date} (amounts and payments stay).",
            "• the addresses, descriptions and photos of {count} orders finished before "
            "{date} (amounts and payments stay).",
            preview.orders,
            date=since,
        ),
        t("After that it erases every day whatever passes the limit."),
    ]
    markup = column(
        [
            button(
                t.raw("Yes, keep for {period}").format(period=period),
                cb.RetentionSet(preview.days),
            ),
            button(t.raw("Cancel"), cb.RetentionKeep()),
        ]
    )
    return "\n".join(lines), markup
