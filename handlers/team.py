"""/team, /invite and /org: members, roles, access, invite links and switching organizations."""

from __future__ import annotations

from babel.dates import format_date
from telegram import Update

from core.domain import MemberView, Role
from core.errors import DomainError
from core.permissions import may_invite, may_manage, roles_assignable_by
from core.team.service import MemberChange
from handlers import callbacks as cb
from handlers.context import BotContext
from handlers.delivery.edits import edit_tapped
from handlers.delivery.publish import notify_user, refresh_menu
from handlers.delivery.replies import drop_keyboard, reply
from handlers.gate import load_actor
from handlers.i18n import Translator, escape
from handlers.keyboards import button, column, rows
from handlers.outcomes import role_name


def _member_line(t: Translator, view: MemberView) -> str:
    status = "" if view.membership.active else " — " + t.raw("deactivated")
    return f"{view.user.display_name} · {role_name(t, view.membership.role)}{status}"


async def team(update: Update, ctx: BotContext) -> None:
    t, actor = ctx.t, ctx.actor
    members = await ctx.services.team.team(actor)
    assert actor.organization is not None
    lines = [t("<b>Team of {org}</b>", org=actor.organization.name)]
    lines += ["• " + escape(_member_line(t, view)) for view in members]
    manageable = [
        button(view.user.display_name, cb.MemberCard(view.membership.id))
        for view in members
        if view.membership.user_id != actor.user.id
        and may_manage(actor.role, view.membership.role)
    ]
    if manageable:
        lines.append(t("Tap a member to change their role, kinds of work or access."))
    await reply(ctx, update, "\n".join(lines), rows(manageable) if manageable else None)


def member_card(t: Translator, view: MemberView, actor_role: Role | None) -> tuple[str, object]:
    m = view.membership
    text = t(
        "<b>{name}</b>\nRole: {role}\nStatus: {status}",
        name=view.user.display_name,
        role=role_name(t, m.role),
        status=t.raw("active") if m.active else t.raw("deactivated"),
    )
    buttons = [
        button(t("Make {role}", role=role_name(t, role)), cb.MemberRole(m.id, role))
        for role in roles_assignable_by(actor_role)
        if role is not m.role and m.active
    ]
    if m.active and m.role is Role.WORKER:
        buttons.append(button(t.raw("🧰 Kinds of work"), cb.MemberKinds(m.id)))
    if m.active:
        buttons.append(button(t.raw("Deactivate"), cb.MemberAccess(m.id, "off")))
    else:
        buttons.append(button(t.raw("Reactivate"), cb.MemberAccess(m.id, "on")))
    return text, column(buttons)


async def member_action(
    update: Update, ctx: BotContext, tap: cb.MemberCard | cb.MemberRole | cb.MemberAccess
) -> None:
    """Opens a member's card; its buttons change the role or the access."""
    query = update.callback_query
    assert query is not None
    membership_id = tap.membership_id
    services, actor = ctx.services.team, ctx.actor
    if isinstance(tap, cb.MemberCard):
        view = await services.member(actor, membership_id)
        text, markup = member_card(ctx.t, view, actor.role)
        await query.answer()
        await reply(ctx, update, text, markup)  # type: ignore[arg-type]
        return
    if isinstance(tap, cb.MemberRole):
        change = await services.change_role(actor, membership_id, tap.role)
    else:
        change = await services.set_active(actor, membership_id, tap.access == "on")
    await query.answer(ctx.t.raw("Saved.") if change.role_changed else ctx.t.raw("No change."))
    text, markup = member_card(ctx.t, change.member, actor.role)
    await edit_tapped(ctx, query, text, markup)  # type: ignore[arg-type]
    if change.role_changed:
        await _tell_member(ctx, change)


async def _tell_member(ctx: BotContext, change: MemberChange) -> None:
    view, org = change.member, ctx.actor.organization
    assert org is not None
    t = ctx.translator(view.user.preferred_language(ctx.bot_data.catalogs.default))
    role = view.membership.role if view.membership.active else None
    await refresh_menu(ctx, view.user.telegram_id, role, onboarded=True, t=t)
    if view.membership.active:
        note = t(
            "Your role in <b>{org}</b> is now: {role}.",
            org=org.name,
            role=role_name(t, view.membership.role),
        )
    else:
        note = t("Your access to <b>{org}</b> was revoked.", org=org.name)
    await notify_user(ctx, view.user.telegram_id, note)


async def invite(update: Update, ctx: BotContext) -> None:
    """`/invite` offers the roles; `/invite worker 5 3` sets role, uses and days directly."""
    t, actor = ctx.t, ctx.actor
    args = ctx.args or []
    if args:
        role = _parse_role(args[0])
        numbers = [_parse_int(a) for a in args[1:3]]
        await _issue(update, ctx, role, *numbers)
        return
    choices = [r for r in cb.INVITABLE if may_invite(actor.role, r)]
    if not choices:
        raise DomainError("forbidden", action="invite")
    buttons = [button(role_name(t, r).capitalize(), cb.InviteRole(r)) for r in choices]
    question = t("Whom are you inviting?")
    if Role.MANAGER not in choices:
        question += "\n" + t("As a manager you invite workers; only an owner can add a manager.")
    await reply(ctx, update, question, rows(buttons))


async def invite_action(
    update: Update, ctx: BotContext, tap: cb.InviteRole | cb.InviteRevoke
) -> None:
    """Issues a link for the role tapped, or revokes one."""
    query = update.callback_query
    assert query is not None
    if isinstance(tap, cb.InviteRevoke):
        await ctx.services.invites.revoke(ctx.actor, tap.invite_id)
        await query.answer(ctx.t.raw("The link was revoked."))
        await drop_keyboard(ctx, query)
        return
    await query.answer()
    await drop_keyboard(ctx, query)
    await _issue(update, ctx, tap.role)


async def _issue(
    update: Update, ctx: BotContext, role: Role, uses: int | None = None, days: int | None = None
) -> None:
    t = ctx.t
    issued = await ctx.services.invites.create(ctx.actor, role, uses, days)
    link = f"https://t.me/{ctx.bot.username}?start={issued.token}"
    expires = format_date(issued.invite.expires_at.date(), "long", locale=t.locale)
    text = t("Invite link (role: {role}):\n{link}\n\n", role=role_name(t, role), link=link)
    text += t.n(
        "Works once; valid until {date}",
        "Works {count} times; valid until {date}",
        issued.invite.max_uses,
        date=expires,
    )
    await reply(
        ctx, update, text, column([button(t.raw("Revoke"), cb.InviteRevoke(issued.invite.id))])
    )


def _parse_role(text: str) -> Role:
    aliases = {
        "worker": Role.WORKER,
        "работник": Role.WORKER,
        "manager": Role.MANAGER,
        "менеджер": Role.MANAGER,
    }
    role = aliases.get(text.casefold())
    if role is None:
        raise DomainError("invite_role_unknown")
    return role


def _parse_int(text: str) -> int:
    if not text.isdigit():
        raise DomainError("invite_number_invalid", given=text[:16])
    return int(text)


async def organizations(update: Update, ctx: BotContext) -> None:
    t, actor = ctx.t, ctx.actor
    choices = await ctx.services.team.organizations(actor)
    if not choices:
        await reply(
            ctx, update, t("You are not in an organization yet. Send /start to create one.")
        )
        return
    current = actor.organization.id if actor.organization else None
    lines = [t("<b>Your organizations</b>")]
    for c in choices:
        mark = "✓ " if c.organization.id == current else ""
        state = "" if c.active else " — " + t.raw("deactivated")
        lines.append(escape(f"{mark}{c.organization.name} · {role_name(t, c.role)}{state}"))
    others = [
        button(c.organization.name, cb.SwitchOrg(c.organization.id))
        for c in choices
        if c.active and c.organization.id != current
    ]
    if others:
        lines.append(t("Tap one to switch to it."))
    await reply(ctx, update, "\n".join(lines), column(others) if others else None)


async def switch_org(update: Update, ctx: BotContext, tap: cb.SwitchOrg) -> None:
    query = update.callback_query
    assert query is not None
    choice = await ctx.services.team.switch(ctx.actor, tap.organization_id)
    await query.answer()
    await drop_keyboard(ctx, query)
    await load_actor(update, ctx)
    t = ctx.t
    await refresh_menu(ctx, ctx.actor.user.telegram_id, choice.role, onboarded=True, t=t)
    await reply(
        ctx,
        update,
        t(
            "Now working in <b>{org}</b> (role: {role}).",
            org=choice.organization.name,
            role=role_name(t, choice.role),
        ),
    )
