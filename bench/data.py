"""Synthetic clients for benchmarks: Russian and Latin names, +79 mobile numbers, many orgs.

Deterministic for a seed. One big organization holds up to 100,000 clients, the rest are
spread over many smaller ones, interleaved in insertion order as real sign-ups would be.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass

from core.clients.search import search_document
from core.text import search_key

BIG_ORG = 100_000


def _split(words: str) -> tuple[str, ...]:
    return tuple(words.split())


_SURNAMES = _split(
    "Иванов Смирнов Кузнецов Попов Васильев Петров Соколов Михайлов Новиков Федоров "
    "Морозов Волков Алексеев Лебедев Семенов Егоров Павлов Козлов Степанов Николаев Орлов "
    "Андреев Макаров Никитин Захаров Зайцев Соловьев Борисов Яковлев Григорьев Романов "
    "Воробьев Сергеев Кузьмин Фролов Александров Дмитриев Королев Гусев Киселев Ильин "
    "Максимов Поляков Сорокин Виноградов Ковалев Белов Медведев Антонов Тарасов Жуков "
    "Баранов Филиппов Комаров Давыдов Беляев Герасимов Богданов Осипов Сидоров Матвеев "
    "Титов Марков Миронов Крылов Куликов Карпов Власов Мельников Денисов Гаврилов Тихонов "
    "Казаков Афанасьев Данилов Савельев Тимофеев Фомин Чернов Абрамов Мартынов Ефимов "
    "Федотов Щербаков Назаров Калинин Исаев Чернышев Быков Маслов Родионов Коновалов "
    "Лазарев Воронин Климов Филатов Пономарев Голубев Кудрявцев Прохоров Наумов Потапов "
    "Журавлев Овчинников Трофимов Леонов Соболев Ермаков Колесников Гончаров Емельянов "
    "Никифоров Грачев Котов Гришин Ефремов Архипов Громов Кириллов Малышев Панов Моисеев "
    "Румянцев Акимов Кондратьев Бирюков Горбунов Анисимов Еремин Тихомиров Галкин Лукьянов "
    "Михеев Скворцов Юдин Белоусов Нестеров Симонов Прокофьев Харитонов Князев Цветков "
    "Левин Митрофанов Воронцов Аксенов Софронов Мальцев Логинов Горшков Савин Краснов "
    "Майоров Демидов Елисеев Рыбаков Сафонов Плотников Демин Хохлов Жданов Носов Зыков "
    "Муравьев Ёлкин Шестаков Щукин Юсупов Блинов Рябов Гордеев Шубин Мухин Дьячков Веселов "
    "Шилов Воронов Евдокимов"
)
_SKY = _split("Высоцкий Успенский Островский Ковальский Вишневский Покровский Чайковский")
_MALE = _split(
    "Александр Сергей Дмитрий Андрей Алексей Максим Евгений Иван Михаил Артем Николай "
    "Игорь Владимир Павел Роман Олег Денис Юрий Виктор Антон Илья Константин Кирилл Егор "
    "Никита Петр Федор Григорий Степан Тимур Руслан Вадим Глеб Лев Марк Матвей Семен "
    "Ярослав"
)
_FEMALE = _split(
    "Елена Ольга Наталья Татьяна Ирина Светлана Анна Мария Екатерина Юлия Анастасия Марина "
    "Дарья Ксения Виктория Людмила Галина Надежда Валентина Алина Полина Вера Любовь Софья "
    "Алёна Кристина Евгения Диана Жанна Лариса Оксана Яна Арина Варвара Злата Эльвира"
)
_PATRONYMIC = _split(
    "Александров Сергеев Дмитриев Андреев Алексеев Иванов Михайлов Николаев Владимиров "
    "Павлов Петров Викторов Юрьев Олегов Игорев Федоров Григорьев Степанов"
)
_LATIN_FIRST = _split(
    "John James Robert Michael William David Richard Joseph Thomas Charles Mary Patricia "
    "Jennifer Linda Elizabeth Barbara Susan Jessica Sarah Karen Anna Emma Olivia Sophia "
    "Lucas Liam Noah Oliver Elijah Mateo Hugo Leon Paul Marie Laura Julia Clara Nina Max "
    "Ben"
)
_LATIN_LAST = _split(
    "Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez "
    "Lopez Gonzalez Wilson Anderson Thomas Taylor Moore Jackson Martin Lee Perez Thompson "
    "White Harris Sanchez Clark Ramirez Lewis Robinson Walker Young Allen King Wright "
    "Scott Torres Nguyen Hill Flores Green Adams Nelson Baker Hall Rivera Campbell "
    "Mitchell Carter Roberts Muller Schmidt Schneider Fischer Weber Meyer Wagner Becker "
    "Schulz Hoffmann Koch Richter Rossi Russo Ferrari Esposito Bianchi Romano Colombo "
    "Dubois Durand Lefebvre Moreau Laurent"
)


@dataclass(frozen=True, slots=True)
class FakeClient:
    id: int
    organization_id: int
    name: str
    phones: tuple[str, ...]
    deleted: bool
    merged: bool

    @property
    def name_norm(self) -> str:
        return search_key(self.name)

    @property
    def search_text(self) -> str:
        return search_document(self.name, self.phones)


def _female(surname: str) -> str:
    if surname.endswith("ий"):
        return surname[:-2] + "ая"
    if surname.endswith(("ов", "ев", "ёв", "ин")):
        return surname + "а"
    return surname


def russian_name(rng: random.Random) -> str:
    surname = rng.choice(_SKY) if rng.random() < 0.05 else rng.choice(_SURNAMES)
    female = rng.random() < 0.5
    first = rng.choice(_FEMALE if female else _MALE)
    roll = rng.random()
    if roll < 0.35:
        return f"{first} {_female(surname) if female else surname}"
    patronymic = rng.choice(_PATRONYMIC) + ("на" if female else "ич")
    if roll < 0.7:
        return f"{_female(surname) if female else surname} {first} {patronymic}"
    return f"{_female(surname) if female else surname} {first}"


def latin_name(rng: random.Random) -> str:
    return f"{rng.choice(_LATIN_FIRST)} {rng.choice(_LATIN_LAST)}"


def phone(rng: random.Random) -> str:
    prefix = "+79" if rng.random() < 0.95 else rng.choice(("+7495", "+7812", "+37529"))
    rest = 12 - len(prefix) if prefix.startswith("+7") else 7
    return prefix + "".join(rng.choices("0123456789", k=rest))


def org_plan(total: int, rng: random.Random) -> list[int]:
    """Organization id for every client, interleaved: org 1 is the big one."""
    big = min(BIG_ORG, total if total >= BIG_ORG else total // 2)
    owners = [1] * big
    org = 2
    while len(owners) < total:
        size = min(rng.randint(20, 3000), total - len(owners))
        owners.extend([org] * size)
        org += 1
    rng.shuffle(owners)
    return owners


def clients(total: int, seed: int = 7) -> Iterator[FakeClient]:
    rng = random.Random(seed)
    for index, org in enumerate(org_plan(total, rng), start=1):
        name = latin_name(rng) if rng.random() < 0.15 else russian_name(rng)
        phones = (phone(rng), phone(rng)) if rng.random() < 0.2 else (phone(rng),)
        roll = rng.random()
        yield FakeClient(index, org, name, phones, roll < 0.02, 0.02 <= roll < 0.03 and index > 1)
