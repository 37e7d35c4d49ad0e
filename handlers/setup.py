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
    clients,
    conversation,
    erasure,
    exports,
    files,
    notifications,
    orders,
    privacy,
    settings,
    team,
    telephony,
    voice,
)
from handlers.errors import on_error
from handlers.gate import identify

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
    "digest": notifications.digest_command,
    "notifications": notifications.notifications_command,
    "admin": admin.admin,
    "calls": telephony.calls_command,
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
CALLBACKS = {
    r"^d:": conversation.choice_answer,
    r"^tm:\d+": team.member_action,
    r"^inv:": team.invite_action,
    r"^org:\d+$": team.switch_org,
    r"^lang:(en|ru)$": settings.language_chosen,
    r"^ps:\d+$": settings.photos_rule,
    r"^gs:\d+$": settings.grace_rule,
    r"^o:\d+$": orders.open_card,
    r"^oa:\d+:\w+!?$": orders.act,
    r"^ow:\d+$": orders.workers,
    r"^oas:\d+:\d+$": orders.assign,
    r"^of:\d+:\w+$": orders.order_flow,
    r"^oh:\d+$": orders.history,
    r"^ol:\w+:\d+$": orders.list_page,
    r"^ofi:\d+$": files.show_files,
    r"^c:\d+$": clients.open_client,
    r"^cf:\d+:": clients.find_more,
    r"^np:\w+$": notifications.preference_tap,
    r"^dl:unassigned$": notifications.digest_list,
    r"^c[emn]:\d+(:\w+)?$": clients.client_action,
    r"^v[ad]:\d+$": voice.answer,
    r"^cl:\w+$": telephony.calls_filter,
    r"^clb:\d+$": telephony.call_back,
    r"^clo:\d+$": telephony.call_order,
    r"^cln:\d+$": telephony.call_new_client,
    r"^cla:\d+$": telephony.call_attach,
    r"^clp:\d+:\d+$": telephony.call_attach_pick,
    r"^tl:(rec|tr):(on|off|yes)$": telephony.telephony_action,
    r"^pv:(mk|rt|rc|rx|ro|au):\d+$": privacy.privacy_action,
    r"^er:(fc|fcy):\d+$|^er:(me|org|off|no)$": erasure.erasure_action,
}


def register(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Order matters: commands, then known buttons, then the catch-alls for each kind."""
    app.add_handler(TypeHandler(Update, identify), group=-1)
    for name, command in COMMANDS.items():
        app.add_handler(CommandHandler(name, command, filters=PRIVATE))
    for pattern, callback in CALLBACKS.items():
        app.add_handler(CallbackQueryHandler(callback, pattern=pattern))
    app.add_handler(CallbackQueryHandler(conversation.stale_button))
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
    answers = (filters.TEXT | filters.CONTACT | filters.LOCATION) & PRIVATE
    app.add_handler(MessageHandler(answers, conversation.text_answer))
    app.add_handler(MessageHandler(PRIVATE & ~filters.StatusUpdate.ALL, conversation.unsupported))
    app.add_error_handler(on_error)
