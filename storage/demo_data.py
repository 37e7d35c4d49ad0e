"""What the demo organization is made of, in each language: its name and region, its team,
and the people, streets and phone numbers its clients are drawn from.

Every language's data stays in that language (no "Smith Татьяна"): Russian clients are named
"Имя Фамилия" with the surname agreeing with the first name, English ones "First Last". The
team's names appear nowhere else, and none matches a preset persona of the web chat.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

from core.domain import Role


@dataclass(frozen=True, slots=True)
class DemoPerson:
    telegram_id: int
    first_name: str
    last_name: str
    username: str
    language: str
    role: Role


@dataclass(frozen=True, slots=True)
class DemoLocale:
    language: str
    organization: str
    timezone: str
    currency: str
    country: str
    team: tuple[DemoPerson, ...]  # owner, manager, then workers
    categories: tuple[str, ...]
    # the catalogue: (kind, name, unit, price in minor units, VAT in basis points or None)
    catalogue: tuple[tuple[str, str, str, int, int | None], ...]
    women: tuple[str, ...]
    men: tuple[str, ...]
    surnames: tuple[tuple[str, str], ...]  # (for men, for women)
    streets: tuple[str, ...]
    address: Callable[[str, int], str]  # street, house number
    phone: Callable[[random.Random], str]
    prices: tuple[int, ...]  # in minor units

    def client_names(self) -> list[str]:
        """Every first name with every surname, each once."""
        return [
            f"{first} {pair[index]}"
            for index, names in enumerate((self.men, self.women))
            for first in names
            for pair in self.surnames
        ]


RU_TEAM = (
    DemoPerson(700000101, "Наталья", "Орлова", "demo_natalia", "ru", Role.OWNER),
    DemoPerson(700000102, "Марина", "Белова", "demo_marina", "ru", Role.MANAGER),
    DemoPerson(700000103, "Павел", "Зайцев", "demo_pavel", "ru", Role.WORKER),
    DemoPerson(700000104, "Руслан", "Каримов", "demo_ruslan", "ru", Role.WORKER),
)
EN_TEAM = (
    DemoPerson(700000201, "Helen", "Carter", "demo_helen", "en", Role.OWNER),
    DemoPerson(700000202, "Mark", "Evans", "demo_mark", "en", Role.MANAGER),
    DemoPerson(700000203, "Tom", "Baker", "demo_tom", "en", Role.WORKER),
    DemoPerson(700000204, "Priya", "Shah", "demo_priya", "en", Role.WORKER),
)

RU = DemoLocale(
    language="ru",
    organization="Чистый дом (демо)",
    timezone="Europe/Moscow",
    currency="RUB",
    country="RU",
    team=RU_TEAM,
    categories=("Уборка", "Ремонт", "Монтаж", "Сантехника", "Ремонт техники", "Другое"),
    catalogue=(
        ("service", "Генеральная уборка", "м²", 15000, 2000),
        ("service", "Мытьё окон", "шт", 60000, 2000),
        ("service", "Замена смесителя", "шт", 150000, 2000),
        ("service", "Выезд мастера", "", 50000, None),
        ("material", "Картридж фильтра", "шт", 90000, 2000),
    ),
    women=("Анна", "Мария", "Ольга", "Елена", "Татьяна", "Юлия", "Ирина", "Светлана", "Ксения"),
    men=("Пётр", "Иван", "Сергей", "Дмитрий", "Алексей", "Михаил", "Андрей", "Никита", "Олег"),
    surnames=(
        ("Иванов", "Иванова"),
        ("Смирнов", "Смирнова"),
        ("Кузнецов", "Кузнецова"),
        ("Попов", "Попова"),
        ("Васильев", "Васильева"),
        ("Петров", "Петрова"),
        ("Соколов", "Соколова"),
        ("Михайлов", "Михайлова"),
        ("Новиков", "Новикова"),
        ("Фёдоров", "Фёдорова"),
        ("Морозов", "Морозова"),
        ("Волков", "Волкова"),
        ("Лебедев", "Лебедева"),
        ("Семёнов", "Семёнова"),
        ("Вишневский", "Вишневская"),
        ("Ким", "Ким"),
        ("Шевчук", "Шевчук"),
        ("Гусев", "Гусева"),
    ),
    streets=(
        "ул. Сухонская",
        "Ленинский пр-т",
        "ул. Тверская",
        "ул. Арбат",
        "Профсоюзная ул.",
        "ул. Маросейка",
        "Кутузовский пр-т",
        "ул. Мясницкая",
    ),
    address=lambda street, house: f"Москва, {street}, {house}",
    prices=(150000, 250000, 350000, 420000, 600000),
    phone=lambda rng: f"+79{rng.choice(('16', '26', '03', '85'))}{rng.randrange(10**7):07d}",
)

EN = DemoLocale(
    language="en",
    organization="Sparkle Home Services (demo)",
    timezone="Europe/London",
    currency="GBP",
    country="GB",
    team=EN_TEAM,
    categories=("Cleaning", "Repair", "Installation", "Plumbing", "Appliance service", "Other"),
    catalogue=(
        ("service", "Deep clean", "m²", 300, None),
        ("service", "Window cleaning", "pc", 1500, None),
        ("service", "Tap replacement", "pc", 6000, None),
        ("service", "Call-out", "", 4500, None),
        ("material", "Filter cartridge", "pc", 2500, None),
    ),
    women=("Emma", "Olivia", "Sophie", "Grace", "Chloe", "Lucy", "Hannah", "Amelia", "Ruth"),
    men=("James", "Oliver", "Harry", "George", "Jack", "Daniel", "Samuel", "Henry", "Adam"),
    surnames=tuple(
        (name, name)
        for name in (
            "Smith",
            "Jones",
            "Taylor",
            "Brown",
            "Williams",
            "Wilson",
            "Johnson",
            "Davies",
            "Robinson",
            "Wright",
            "Thompson",
            "Walker",
            "White",
            "Hughes",
            "Green",
            "Hall",
            "Wood",
            "Clarke",
        )
    ),
    streets=(
        "Baker Street",
        "Camden Road",
        "King's Road",
        "Abbey Road",
        "Portobello Road",
        "Brick Lane",
        "Fleet Street",
        "Holloway Road",
    ),
    address=lambda street, house: f"{house} {street}, London",
    prices=(4500, 6000, 8500, 12000, 18000),
    # Ofcom's range for drama: real-looking UK mobile numbers that reach nobody.
    phone=lambda rng: f"+447700900{rng.randrange(1000):03d}",
)

LOCALES = {locale.language: locale for locale in (RU, EN)}
