"""Inline keyboards and callback data that always fits Telegram's 64-byte limit."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

CALLBACK_LIMIT = 64


def data(*parts: object) -> str:
    """Join parts with ':'; refuse anything Telegram would reject rather than truncate it."""
    text = ":".join(str(p) for p in parts)
    if len(text.encode()) > CALLBACK_LIMIT:
        raise ValueError(f"callback data over {CALLBACK_LIMIT} bytes: {text[:20]}...")
    return text


def button(label: str, *parts: object) -> InlineKeyboardButton:
    return InlineKeyboardButton(label, callback_data=data(*parts))


def rows(buttons: Iterable[InlineKeyboardButton], per_row: int = 2) -> InlineKeyboardMarkup:
    items = list(buttons)
    grid = [items[i : i + per_row] for i in range(0, len(items), per_row)]
    return InlineKeyboardMarkup(grid)


def column(buttons: Sequence[InlineKeyboardButton]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[b] for b in buttons])
