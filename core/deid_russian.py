"""Russian names without a model, next to natasha's: capital letters and common first names.

A capitalised Cyrillic word in the middle of a sentence is a proper name: a person unless it
is a brand, a service or a holiday (`_PROPER`); natasha tells places apart where it can. At
the start of a sentence a capital letter says nothing, so there the word counts only when it
is a common first name in any case form (`_FIRST_NAMES`, without those that are also
ordinary words: Вера, Надежда, Любовь, Роза) or comes before a patronymic ("Ирина Петровна").
Names in a row are one person ("Клименко Ольга").
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from core.deid_known import names_pattern

__all__ = ["russian_names"]

_PROPER_WORDS = """
атлант индезит бирюса горенье бош самсунг аристон электролюкс канди хайер лджи занусси
телеграм телеграмм телега вотсап ватсап вайбер вконтакте авито юла сбер сбербанк тинькофф
т-банк альфа втб госуслуги яндекс озон вайлдберриз икеа леруа мерлен оби максидом газель
мир пасха рождество масленица новый алло
"""
_PROPER = frozenset(_PROPER_WORDS.split())
_FIRST_NAMES = """
Александр Алексей Анатолий Андрей Антон Аркадий Арсений Артём Артур Богдан Борис Вадим
Валентин Валерий Василий Виктор Виталий Владимир Владислав Всеволод Вячеслав Геннадий
Георгий Глеб Григорий Даниил Денис Дмитрий Евгений Егор Иван Игорь Илья Кирилл Константин
Лев Леонид Максим Марк Матвей Михаил Никита Николай Олег Павел Пётр Роман Руслан Семён
Сергей Станислав Степан Тимофей Тимур Фёдор Филипп Юрий Ярослав Саша Лёша Дима Женя Миша
Коля Серёжа Паша Петя Ваня Вова Витя Костя Гена Стас Вадик Тёма Рустам Марат Ильдар Азамат
Тагир Хасан Ахмед Фарух Рашид Алишер Бахтиёр Дамир Айдар Анна Алёна Алина Алла Анастасия
Ангелина Валентина Валерия Варвара Вероника Виктория Галина Дарья Диана Евгения Екатерина
Елена Елизавета Жанна Зинаида Зоя Инна Ирина Карина Кира Клавдия Кристина Ксения Лариса Лидия
Людмила Маргарита Марина Мария Милана Наталья Нина Оксана Олеся Ольга Полина Раиса Светлана
Софья Тамара Татьяна Ульяна Эльвира Юлия Яна Галя Катя Маша Света Оля Таня Наташа Лена Юля
Настя Даша Ира Люда Соня Зарина Гульнара Айгерим Фатима Лейла Дильноза Мадина Камила
"""
_NAMES = names_pattern(_FIRST_NAMES.split())
_WORD = re.compile(r"(?<![\w-])[А-ЯЁ][а-яё]+(?:-[А-ЯЁ][а-яё]+)?(?![\w-])")
_PATRONYMIC = re.compile(r"[А-ЯЁ][а-яё]+(?:вич|вн|ич|ичн)[а-яё]{0,3}")
_SENTENCE_START = re.compile(r"(?:^|[.!?\n«\"“]|\s[-–—])\s*$")
_CYRILLIC = re.compile(r"[а-яё]", re.IGNORECASE)
_LATIN = re.compile(r"[a-z]", re.IGNORECASE)


def russian_names(text: str) -> Iterator[tuple[int, int]]:
    if len(_CYRILLIC.findall(text)) < len(_LATIN.findall(text)):
        return
    run: tuple[int, int] | None = None
    words = list(_WORD.finditer(text))
    for index, match in enumerate(words):
        following = words[index + 1] if index + 1 < len(words) else None
        if _is_name(text, match, following):
            if run is not None and text[run[1] : match.start()] == " ":
                run = (run[0], match.end())
                continue
            if run is not None:
                yield run
            run = match.span()
    if run is not None:
        yield run


def _is_name(text: str, match: re.Match[str], following: re.Match[str] | None) -> bool:
    word = match.group(0)
    if word.casefold() in _PROPER:
        return False
    if not _SENTENCE_START.search(text, 0, match.start()):
        return True
    if _NAMES.fullmatch(word) or _PATRONYMIC.fullmatch(word):
        return True
    return (
        following is not None
        and following.start() == match.end() + 1
        and bool(_PATRONYMIC.fullmatch(following.group(0)))
    )
