"""Inline keyboards whose buttons carry typed actions (`handlers.callbacks`)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from handlers.callbacks import Action, encode


def button(label: str, action: Action) -> InlineKeyboardButton:
    """A button whose data is `action` encoded; ValueError rather than data Telegram would
    reject (over 64 bytes) or the codec could not read back."""
    return InlineKeyboardButton(label, callback_data=encode(action))


def rows(buttons: Iterable[InlineKeyboardButton], per_row: int = 2) -> InlineKeyboardMarkup:
    items = list(buttons)
    grid = [items[i : i + per_row] for i in range(0, len(items), per_row)]
    return InlineKeyboardMarkup(grid)


def column(buttons: Sequence[InlineKeyboardButton]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[b] for b in buttons])
