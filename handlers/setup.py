"""Registers every handler on the application, in the order they must be tried."""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    InlineQueryHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from handlers import (
    admin,
    admin_sessions,
    ai_settings,
    apikeys,
    availability,
    availability_taps,
    checklists,
    conversation,
    files,
    ownbot,
    services,
    settings,
    team,
    team_kinds,
    voice,
)
from handlers import callbacks as cb
from handlers.callbacks.routes import Router, route
from handlers.client_loop import acceptance, on_the_way
from handlers.client_loop.chat import consent_tap
from handlers.client_loop.invite import invite_tap
from handlers.client_loop.ratings import rating_tap
from handlers.client_loop.refund_taps import refund_tap
from handlers.client_loop.relay import reply_tap
from handlers.client_loop.reminders import visit_tap
from handlers.clients import commands as clients
from handlers.errors import on_error
from handlers.gate import identify
from handlers.notifications import commands as notifications
from handlers.orders import checklist, line_edits, lines
from handlers.orders import commands as orders
from handlers.privacy import commands as privacy
from handlers.privacy import erasure, exports, policy
from handlers.quotes import commands as quotes
from handlers.quotes.answers import quote_tap
from handlers.recurring import taps as series
from handlers.telephony import commands as telephony

PRIVATE = filters.ChatType.PRIVATE


COMMANDS = {
    "start": conversation.start,
    "help": conversation.help_command,
    "more": conversation.more,
    "cancel": conversation.cancel,
    "team": team.team,
    "invite": team.invite,
    "org": team.organizations,
    "language": settings.language,
    "settings": settings.settings,
    "neworder": orders.new_order,
    "orders": orders.orders_command,
    "order": orders.order_command,
    "today": orders.today,
    "client": clients.find,
    "newclient": clients.new_client,
    "quote": quotes.quote_command,
    "digest": notifications.digest_command,
    "notifications": notifications.notifications_command,
    "availability": availability.availability_command,
    "admin": admin.admin,
    "apikeys": apikeys.apikeys,
    "ownbot": ownbot.ownbot,
    "calls": telephony.calls_command,
    "services": services.services_command,
    "checklist": checklists.checklist_command,
    "telephony": telephony.telephony,
    "privacy": privacy.privacy,
    "audit": privacy.audit,
    "export": exports.export,
    "mydata": exports.my_data,
    "forget": erasure.forget,
    "deleteme": erasure.delete_me,
    "deleteorg": erasure.delete_org,
    "deactivate": erasure.deactivate,
    "reactivate": erasure.reactivate,
}
# Every callback action and its handler; the router decodes each tap once and answers data
# that decodes to nothing (an old format, a forged tap) as "no longer valid".
CALLBACKS = [
    route(cb.DialogChoice, conversation.choice_answer),
    route(cb.OpenOrder, orders.open_card),
    route(cb.OrderTap, orders.act),
    route(cb.OrderTapSure, orders.act),
    route(cb.OrderWorkers, orders.workers),
    route(cb.AssignOrder, orders.assign),
    route(cb.OrderFlow, orders.order_flow),
    route(cb.OrderHistory, orders.history),
    route(cb.AddLine, lines.add_line_tap),
    route(cb.LinesOpen, line_edits.lines_tap),
    route(cb.LineQuantity, line_edits.quantity_tap),
    route(cb.LineRemove, line_edits.remove_tap),
    route(cb.LineRemoveSure, line_edits.remove_sure_tap),
    route(cb.ApproveTotal, lines.approve_tap),
    route(cb.DeclineTotal, lines.approve_tap),
    route(cb.ServiceList, services.list_tap),
    route(cb.ServiceOpen, services.open_tap),
    route(cb.ServiceAct, services.act_tap),
    route(cb.ServiceAdd, services.add_tap),
    route(cb.ChecklistCategories, checklists.categories_tap),
    route(cb.ChecklistCategory, checklists.category_tap),
    route(cb.ChecklistRemove, checklists.remove_tap),
    route(cb.ChecklistItemAdd, checklists.add_tap),
    route(cb.ChecklistOpen, checklist.open_tap),
    route(cb.ChecklistTap, checklist.item_tap),
    route(cb.AcceptWork, acceptance.accept_tap),
    route(cb.AcceptanceLink, acceptance.link_tap),
    route(cb.OrderFiles, files.show_files),
    route(cb.OrderList, orders.list_page),
    route(cb.DigestUnassigned, notifications.digest_list),
    route(cb.OpenClient, clients.open_client),
    route(cb.ClientRights, clients.rights_tap),
    route(cb.ClientSearch, clients.find_more),
    route(cb.ClientEdit, clients.client_action),
    route(cb.ClientMerge, clients.client_action),
    route(cb.ClientUnrestrict, clients.lift_restriction),
    route(cb.ClientRequests, clients.request_kinds),
    route(cb.ClientObjection, clients.objection),
    route(cb.ClientPackage, clients.package),
    route(cb.ClientNewOrder, clients.client_action),
    route(cb.ClientQuote, quotes.client_quote_tap),
    route(cb.QuoteAnswer, quote_tap),
    route(cb.QuoteSlot, quote_tap),
    route(cb.OwnBotTap, ownbot.ownbot_tap),
    route(cb.SignOutEverywhere, admin_sessions.sign_out_everywhere_tap),
    route(cb.InviteClient, invite_tap),
    route(cb.InviteOrderClient, invite_tap),
    route(cb.ClientConsent, consent_tap),
    route(cb.RepeatOrder, series.repeat_tap),
    route(cb.SeriesMenu, series.series_menu),
    route(cb.SeriesAct, series.series_act),
    route(cb.SeriesSure, series.series_sure),
    route(cb.ClientSeriesEnd, series.client_series_end),
    route(cb.ClientSeriesEndSure, series.client_series_end),
    route(cb.AvailabilityAsk, availability_taps.ask_tap),
    route(cb.AbsenceRemove, availability.remove_tap),
    route(cb.SickToday, availability.sick_tap),
    route(cb.Reassign, availability.reassign_tap),
    route(cb.OnMyWay, on_the_way.on_my_way_tap),
    route(cb.OnMyWayEta, on_the_way.eta_tap),
    route(cb.ClientVisit, visit_tap),
    route(cb.ClientSlot, visit_tap),
    route(cb.ClientReason, visit_tap),
    route(cb.ClientRate, rating_tap),
    route(cb.ClientRateSkip, rating_tap),
    route(cb.RefundAsk, refund_tap),
    route(cb.RefundSure, refund_tap),
    route(cb.ReplyClient, reply_tap),
    route(cb.MessageClient, reply_tap),
    route(cb.VoiceApply, voice.answer),
    route(cb.VoiceDismiss, voice.answer),
    route(cb.CallsFilter, telephony.calls_filter),
    route(cb.CallBack, telephony.call_back),
    route(cb.CallOrder, telephony.call_order),
    route(cb.CallNewClient, telephony.call_new_client),
    route(cb.CallAttach, telephony.call_attach),
    route(cb.CallAttachPick, telephony.call_attach_pick),
    route(cb.Recording, telephony.telephony_action),
    route(cb.Transcripts, telephony.telephony_action),
    route(cb.MemberCard, team.member_action),
    route(cb.MemberRole, team.member_action),
    route(cb.MemberAccess, team.member_action),
    route(cb.MemberKinds, team_kinds.member_kinds),
    route(cb.MemberKind, team_kinds.member_kinds),
    route(cb.InviteRole, team.invite_action),
    route(cb.InviteRevoke, team.invite_action),
    route(cb.SwitchOrg, team.switch_org),
    route(cb.Language, settings.language_chosen),
    route(cb.PhotosRule, settings.photos_rule),
    route(cb.GraceRule, settings.grace_rule),
    route(cb.ProfileEdit, settings.profile_edit),
    route(cb.AiSwitch, ai_settings.ai_switch),
    route(cb.NotifyKind, notifications.preference_tap),
    route(cb.NotifySetting, notifications.preference_tap),
    route(cb.Marketing, privacy.privacy_action),
    route(cb.OwnRestriction, privacy.privacy_action),
    route(cb.RetentionAsk, privacy.privacy_action),
    route(cb.RetentionSet, privacy.privacy_action),
    route(cb.RetentionKeep, privacy.privacy_action),
    route(cb.RestoreOrg, privacy.privacy_action),
    route(cb.AuditPage, privacy.privacy_action),
    route(cb.PolicyAnswer, policy.policy_answer),
    route(cb.EraseAsk, erasure.erasure_action),
    route(cb.EraseClient, erasure.erasure_action),
    route(cb.EraseConfirm, erasure.erasure_action),
]


def register(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Order matters: commands, then every button (one router), then the catch-alls."""
    app.add_handler(TypeHandler(Update, identify), group=-1)
    for name, command in COMMANDS.items():
        app.add_handler(CommandHandler(name, command, filters=PRIVATE))
    app.add_handler(CallbackQueryHandler(Router(CALLBACKS, conversation.stale_button)))
    app.add_handler(InlineQueryHandler(clients.inline_lookup))
    app.add_handler(MessageHandler(filters.COMMAND & PRIVATE, conversation.unknown_command))
    forwards = filters.FORWARDED & (filters.TEXT | filters.CAPTION) & PRIVATE
    app.add_handler(
        MessageHandler(forwards & ~filters.PHOTO & ~filters.Document.ALL, orders.forwarded)
    )
    sounds = (filters.VOICE | filters.AUDIO | filters.VIDEO_NOTE) & PRIVATE
    app.add_handler(MessageHandler(sounds, voice.receive))
    media = (filters.PHOTO | filters.Document.ALL) & PRIVATE
    app.add_handler(MessageHandler(media, files.receive))
    app.add_handler(MessageHandler(on_the_way.LIVE_LOCATION & PRIVATE, on_the_way.location))
    answers = (filters.TEXT | filters.CONTACT | filters.LOCATION) & PRIVATE
    app.add_handler(MessageHandler(answers, conversation.text_answer))
    app.add_handler(MessageHandler(PRIVATE & ~filters.StatusUpdate.ALL, conversation.unsupported))
    app.add_error_handler(on_error)
