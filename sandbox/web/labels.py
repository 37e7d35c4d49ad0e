"""The sandbox page's own words (buttons, placeholders, hints) in English and Russian: the page
speaks the language of the persona whose chat is open, as Telegram's app would for that user.

The sandbox imports nothing of the product, so this small table is its own, not the bot's
gettext catalog. The server fills `{{t:key}}` in the page template in one language; the page
relabels elements marked `data-l10n` (text), `data-l10n-placeholder` and `data-l10n-title` from
the same table (served in /api/state) when another persona is opened. `{name}`-style
placeholders are filled in by the page.
"""

from __future__ import annotations

import re

from sandbox.web.views import escape

DEFAULT = "en"

LABELS: dict[str, dict[str, str]] = {
    "en": {
        "add_persona": "+ persona",
        "quick_add": "Quick add",
        "describe_one": "Or describe one",
        "first_name": "First name",
        "last_name": "Last name (optional)",
        "username": "username (optional)",
        "cancel": "Cancel",
        "add_persona_submit": "Add persona",
        "placeholder_title": "Talk to the bot as anyone",
        "placeholder_text": (
            "Add a persona (a Telegram user) and chat with the bot as them. Switch between "
            "personas on the left to play the owner, a manager and field workers at once."
        ),
        "personas": "Personas",
        "bot": "bot",
        "persona": "Persona",
        "delete_persona": "Delete persona",
        "start": "START",
        "photo": "Photo",
        "file": "File",
        "voice_file": "Voice note file",
        "music_file": "Music file",
        "my_contact": "My contact",
        "location": "Location",
        "commands": "Commands",
        "attach": "Attach",
        "message": "Message",
        "keyboard": "Keyboard",
        "record": "Record a voice message",
        "send": "Send",
        "ok": "OK",
        "open_as": "Open the link as…",
        "bots": "Bots:",
        "add_bot": "+ bot",
        "add_bot_prompt": "The business's bot name (as @BotFather asks):",
        "bot_made": (
            "Bot @{username} is ready. As the owner, send this to the shared bot to connect it: "
            "/ownbot {token} (copied)"
        ),
        "outside": "SMS & e-mail",
        "outside_title": "Clients' phones and mailboxes",
        "outside_hint": (
            "What clients without Telegram received: SMS through the sandbox's own SMS.ru and "
            "e-mail through its own mail server."
        ),
        "outside_sms": "SMS",
        "outside_mail": "E-mail",
        "outside_empty": "Nothing yet.",
        "outside_segments": "{count} segment(s)",
        "outside_unsubscribe": "with an unsubscribe link",
        "outside_reply": "Reply as the client",
        "outside_reply_prompt": "The client's answer:",
        "close": "Close",
        "share_location": "Share a location",
        "latitude": "Latitude",
        "longitude": "Longitude",
        "use_my_location": "Use my location",
        "as_persona": "as {name} · {language}",
        "switch_language": "Switch Telegram language to {language}",
        "typing": "typing…",
        "upload_photo": "sending a photo…",
        "record_voice": "recording a voice message…",
        "upload_voice": "sending a voice message…",
        "upload_document": "sending a file…",
        "find_location": "choosing a location…",
        "record_video": "recording a video…",
        "upload_video": "sending a video…",
        "choose_sticker": "choosing a sticker…",
        "copied": "Copied to clipboard",
        "button_does_nothing": "This button does nothing in the sandbox",
        "no_such_command": "No such command",
        "no_commands": "The bot set no commands for this chat",
        "today": "Today",
    },
    "ru": {
        "add_persona": "+ персона",
        "quick_add": "Быстро добавить",
        "describe_one": "Или опишите свою",
        "first_name": "Имя",
        "last_name": "Фамилия (необязательно)",
        "username": "имя пользователя (необязательно)",
        "cancel": "Отмена",
        "add_persona_submit": "Добавить персону",
        "placeholder_title": "Говорите с ботом от чьего угодно имени",
        "placeholder_text": (
            "Добавьте персону (пользователя Telegram) и переписывайтесь с ботом от её имени. "
            "Переключайтесь между персонами слева, чтобы играть владельца, менеджера и "
            "работников одновременно."
        ),
        "personas": "Персоны",
        "bot": "бот",
        "persona": "Персона",
        "delete_persona": "Удалить персону",
        "start": "ЗАПУСТИТЬ",
        "photo": "Фото",
        "file": "Файл",
        "voice_file": "Файл голосового сообщения",
        "music_file": "Музыкальный файл",
        "my_contact": "Мой контакт",
        "location": "Геопозиция",
        "commands": "Команды",
        "attach": "Прикрепить",
        "message": "Сообщение",
        "keyboard": "Клавиатура",
        "record": "Записать голосовое сообщение",
        "send": "Отправить",
        "ok": "ОК",
        "open_as": "Открыть ссылку от имени…",
        "bots": "Боты:",
        "add_bot": "+ бот",
        "add_bot_prompt": "Название бота компании (как спрашивает @BotFather):",
        "bot_made": (
            "Бот @{username} готов. Чтобы подключить его, отправьте от имени владельца в общий "
            "бот: /ownbot {token} (скопировано)"
        ),
        "outside": "SMS и почта",
        "outside_title": "Телефоны и почта клиентов",
        "outside_hint": (
            "Что получили клиенты без Telegram: SMS через собственный SMS.ru песочницы и "
            "письма через её почтовый сервер."
        ),
        "outside_sms": "SMS",
        "outside_mail": "Письма",
        "outside_empty": "Пока ничего.",
        "outside_segments": "сегментов: {count}",
        "outside_unsubscribe": "со ссылкой для отписки",
        "outside_reply": "Ответить как клиент",
        "outside_reply_prompt": "Ответ клиента:",
        "close": "Закрыть",
        "share_location": "Отправить геопозицию",
        "latitude": "Широта",
        "longitude": "Долгота",
        "use_my_location": "Моё местоположение",
        "as_persona": "от имени {name} · {language}",
        "switch_language": "Переключить язык Telegram на {language}",
        "typing": "печатает…",
        "upload_photo": "отправляет фото…",
        "record_voice": "записывает голосовое…",
        "upload_voice": "отправляет голосовое…",
        "upload_document": "отправляет файл…",
        "find_location": "выбирает геопозицию…",
        "record_video": "записывает видео…",
        "upload_video": "отправляет видео…",
        "choose_sticker": "выбирает стикер…",
        "copied": "Скопировано",
        "button_does_nothing": "В песочнице эта кнопка ничего не делает",
        "no_such_command": "Нет такой команды",
        "no_commands": "Бот не задал команд для этого чата",
        "today": "Сегодня",
    },
}

_MARK = re.compile(r"\{\{t:([a-z_]+)\}\}")


def language_of(code: str | None) -> str:
    """The table for a Telegram language code: `ru`, `ru-RU` -> ru; anything else English."""
    base = (code or "").split("-")[0].lower()
    return base if base in LABELS else DEFAULT


def render(template: str, language: str) -> str:
    """The page template in one language: `{{lang}}` and every `{{t:key}}`, HTML-escaped."""
    language = language_of(language)
    words = LABELS[language]
    page = template.replace("{{lang}}", language)
    return _MARK.sub(lambda match: escape(words[match.group(1)]), page)
