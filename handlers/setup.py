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

from handlers import clients, conversation, files, orders, settings, team
from handlers.errors import on_error
from handlers.gate import identify

PRIVATE = filters.ChatType.PRIVATE


def register(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    app.add_handler(TypeHandler(Update, identify), group=-1)
    commands = {
        "start": conversation.start,
        "help": conversation.help_command,
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
    }
    for name, callback in commands.items():
        app.add_handler(CommandHandler(name, callback, filters=PRIVATE))
    app.add_handler(CallbackQueryHandler(conversation.choice_answer, pattern=r"^d:"))
    app.add_handler(CallbackQueryHandler(team.member_action, pattern=r"^tm:\d+"))
    app.add_handler(CallbackQueryHandler(team.invite_action, pattern=r"^inv:"))
    app.add_handler(CallbackQueryHandler(team.switch_org, pattern=r"^org:\d+$"))
    app.add_handler(CallbackQueryHandler(settings.language_chosen, pattern=r"^lang:(en|ru)$"))
    callbacks = {
        r"^o:\d+$": orders.open_card,
        r"^oa:\d+:\w+!?$": orders.act,
        r"^ow:\d+$": orders.workers,
        r"^oas:\d+:\d+$": orders.assign,
        r"^of:\d+:\w+$": orders.order_flow,
        r"^oh:\d+$": orders.history,
        r"^ol:\w+:\d+$": orders.list_page,
        r"^c:\d+$": clients.open_client,
        r"^c[emn]:\d+(:\w+)?$": clients.client_action,
    }
    for pattern, callback in callbacks.items():
        app.add_handler(CallbackQueryHandler(callback, pattern=pattern))
    app.add_handler(CallbackQueryHandler(files.show_files, pattern=r"^ofi:\d+$"))
    app.add_handler(CallbackQueryHandler(settings.photos_rule, pattern=r"^ps:\d+$"))
    app.add_handler(InlineQueryHandler(clients.inline_lookup))
    app.add_handler(CallbackQueryHandler(conversation.stale_button))
    app.add_handler(MessageHandler(filters.COMMAND & PRIVATE, conversation.unknown_command))
    media = (filters.PHOTO | filters.Document.ALL) & PRIVATE
    app.add_handler(MessageHandler(media, files.receive))
    answers = (filters.TEXT | filters.CONTACT | filters.LOCATION) & PRIVATE
    app.add_handler(MessageHandler(answers, conversation.text_answer))
    app.add_handler(MessageHandler(PRIVATE & ~filters.StatusUpdate.ALL, conversation.unsupported))
    app.add_error_handler(on_error)
