"""Russian addresses said without a street word, settlements, and flats named by ordinals.

"Профсоюзная 56, корпус 2", "на Лесной 8", "Кутузовский 26 к 1", "5-ю Парковую 40": a
capitalised word shaped like a street name (an adjective, or a surname in the genitive) and a
house number. "деревня Горки", "СНТ Ромашка, участок 48", "к дому 7 на Речной", "из девятой
квартиры". Numbers followed by money, percent, units or a time are not house numbers.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

__all__ = ["russian_addresses"]

_STREETY = (
    r"(?!(?i:заявк|заказ|скидк|доставк|оплат|сумм|цен|квартир|карт|серия|номер)[а-яё]*\b)"
    r"[А-ЯЁ][а-яё-]*(?:ая|яя|ой|ей|ий|ый|ое|ее|ую|юю|ого|его|ом|ем|ина|ына|ова|ева|ёва|ино"
    r"|ово|ка|ке|ку|ского|цкого|ской|цкой)"
)
_TYPE_WORD = (
    r"(?:\s+(?i:шоссе|проспект\w*|пр-т|пр\.|улиц\w+|ул\.?|переул\w+|пер\.|бульвар\w*|б-р"
    r"|проезд\w*|набережн\w+|наб\.|площад\w+|пл\.|тупик\w*|алле\w+))?"
)
_HOUSE = (
    r"\d{1,4}(?:[а-яА-Я](?![а-яё]))?(?:/\d{1,4})?(?![\d%]|[.:,]\d|\s?(?i:руб|р\.|₽|rub"
    r"|тыс|млн|лет|год|час|мин|метр|м2|м²|кв\.?\s?м|см|мм|кг|шт|%|раз|этаж))"
)
_LABEL = (
    r"(?i:д\.|дом|корп\.|корпус|к\.|к|стр\.|строение|кв\.|кв|квартира|оф\.|офис|подъезд|под\."
    r"|этаж|эт\.|участок|уч\.)"
)
_MORE = rf"(?:\s*,?\s*{_LABEL}\s*{_HOUSE})*"
_STREET_NUMBER = re.compile(
    rf"(?<![\w-])(?:\d{{1,2}}-?[а-яё]{{1,3}}\s+)?(?:[А-ЯЁ][а-яё]+\s+)?{_STREETY}{_TYPE_WORD}"
    rf"\s*,?\s*(?:(?i:дом|д\.)\s*)?{_HOUSE}{_MORE}"
)
_SETTLEMENT = re.compile(
    r"(?<![\w-])(?i:город\w*|г\.|деревн\w+|дер\.|посёл\w*|посел\w*|пос\.|пгт|сел[оеау]|сел\."
    r"|станиц\w+|снт|днт|тсн|кп|жк|мкр\.?|микрорайон\w*)(?:\s+|(?<=\.))[«\"]?[А-ЯЁ][\w-]*[»\"]?"
    rf"(?:\s+[А-ЯЁ][\w-]*)?{_MORE}"
)
_HOUSE_ON = re.compile(
    rf"(?<![\w-])(?i:дом[ауе]?|д\.)\s*{_HOUSE}(?:\s+(?:на|по)\s+[А-ЯЁ][\w-]+){_MORE}"
)
_TENS = r"(?:двадцать|тридцать|сорок|пятьдесят|шестьдесят|семьдесят|восемьдесят|девяносто)"
_ORDINAL = (
    r"(?:перв|втор|трет|четв[её]рт|пят|шест|седьм|восьм|девят|десят|одиннадцат|двенадцат"
    r"|тринадцат|четырнадцат|пятнадцат|шестнадцат|семнадцат|восемнадцат|девятнадцат"
    r"|двадцат|тридцат|сороков|пятидесят)[а-яё]{1,3}"
)
_FLAT_ORDINAL = re.compile(rf"(?<![\w-])(?i:(?:{_TENS}\s+)?{_ORDINAL}\s+(?:квартир|кв\.)[а-яё]*)")


def russian_addresses(text: str) -> Iterator[tuple[int, int]]:
    for pattern in (_STREET_NUMBER, _SETTLEMENT, _HOUSE_ON, _FLAT_ORDINAL):
        yield from (m.span() for m in pattern.finditer(text))
