"""The fake DaData's register of companies: one real head office with two branches (Sberbank's
public details), a company, a liquidated one, a bankrupt one and a sole trader made up with
valid check digits, each in the shape of a party answer (docs/dadata-party.md).

Dates are Unix times in milliseconds, as DaData sends them; `value` is the short name with its
legal form, `data.name.full_with_opf` the full one; a sole trader has no KPP and `type`
INDIVIDUAL; a branch has `branch_type` BRANCH and its own KPP and address.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

DAY = 86_400_000
REGISTERED = 694_224_000_000  # 1992-01-01
LIQUIDATED_ON = 1_640_995_200_000  # 2022-01-01


@dataclass(frozen=True, slots=True)
class FakeParty:
    inn: str
    ogrn: str
    kpp: str | None
    full: str
    short: str
    address: str
    postal: str
    status: str = "ACTIVE"
    liquidation_date: int | None = None
    individual: bool = False
    branch: str = "MAIN"
    branch_count: int = 0
    manager: str | None = "Иванов Пётр Сергеевич"

    def matches(self, query: str) -> bool:
        """Word prefixes of the names, or the start of the INN/OGRN (as suggest/party does)."""
        words = query.casefold().replace('"', " ").split()
        text = f"{self.full} {self.short}".casefold().replace('"', " ").split()
        digits = query.strip()
        if digits.isdigit():
            return self.inn.startswith(digits) or self.ogrn.startswith(digits)
        return bool(words) and all(any(t.startswith(w) for t in text) for w in words)

    def suggestion(self) -> dict[str, Any]:
        management = None
        if self.manager and not self.individual:
            management = {"name": self.manager, "post": "ГЕНЕРАЛЬНЫЙ ДИРЕКТОР",
                          "disqualified": None}  # fmt: skip
        data: dict[str, Any] = {
            "kpp": self.kpp,
            "capital": None,
            "management": management,
            "founders": None,
            "managers": None,
            "branch_type": None if self.individual else self.branch,
            "branch_count": None if self.individual else self.branch_count,
            "source": None,
            "qc": None,
            "hid": f"hid-{self.inn}-{self.kpp or 'ip'}",
            "type": "INDIVIDUAL" if self.individual else "LEGAL",
            "state": {
                "status": self.status,
                "code": None,
                "actuality_date": REGISTERED + 30 * DAY,
                "registration_date": REGISTERED,
                "liquidation_date": self.liquidation_date,
            },
            "opf": {"type": "2014", "code": "12300", "full": None, "short": None},
            "name": {
                "full_with_opf": self.full,
                "short_with_opf": self.short,
                "latin": None,
                "full": None,
                "short": None,
            },
            "inn": self.inn,
            "ogrn": self.ogrn,
            "okpo": None,
            "okato": None,
            "oktmo": None,
            "okogu": None,
            "okfs": None,
            "okved": "62.01",
            "okved_type": "2014",
            "address": {
                "value": self.address,
                "unrestricted_value": f"{self.postal}, {self.address}",
                "data": None,
            },
            "ogrn_date": REGISTERED,
            "phones": None,
            "emails": None,
        }
        return {"value": self.short, "unrestricted_value": self.short, "data": data}


SBER_FULL = 'ПУБЛИЧНОЕ АКЦИОНЕРНОЕ ОБЩЕСТВО "СБЕРБАНК РОССИИ"'
PARTIES = (
    FakeParty("7707083893", "1027700132195", "773601001", SBER_FULL, 'ПАО "СБЕРБАНК"',
              "г Москва, ул Вавилова, д 19", "117312", branch_count=87),
    FakeParty("7707083893", "1027700132195", "540602001", SBER_FULL,
              'СИБИРСКИЙ БАНК ПАО "СБЕРБАНК"', "г Новосибирск, ул Серебренниковская, д 20",
              "630007", branch="BRANCH", manager=None),
    FakeParty("7707083893", "1027700132195", "667102008", SBER_FULL,
              'УРАЛЬСКИЙ БАНК ПАО "СБЕРБАНК"', "г Екатеринбург, ул Куйбышева, д 67", "620026",
              branch="BRANCH", manager=None),
    FakeParty("7730123456", "1027730123453", "773001001",
              'ОБЩЕСТВО С ОГРАНИЧЕННОЙ ОТВЕТСТВЕННОСТЬЮ "РОМАШКА"', 'ООО "РОМАШКА"',
              "г Москва, ул Тверская, д 7", "125009"),
    FakeParty("7710123458", "1027710123451", "771001001",
              'ОБЩЕСТВО С ОГРАНИЧЕННОЙ ОТВЕТСТВЕННОСТЬЮ "РОМАШКА ПЛЮС"', 'ООО "РОМАШКА ПЛЮС"',
              "г Москва, ул Сухонская, д 11", "127642", status="BANKRUPT"),
    FakeParty("6608123455", "1166658123455", "660801001",
              'ОБЩЕСТВО С ОГРАНИЧЕННОЙ ОТВЕТСТВЕННОСТЬЮ "ВЕКТОР"', 'ООО "ВЕКТОР"',
              "г Екатеринбург, ул Малышева, д 51", "620014", status="LIQUIDATED",
              liquidation_date=LIQUIDATED_ON),
    FakeParty("771234567859", "319774600123453", None,
              "Индивидуальный предприниматель Иванов Иван Иванович",
              "ИП Иванов Иван Иванович", "г Москва", "101000", individual=True, manager=None),
)  # fmt: skip
