"""The fake DaData's address book: a dozen real places in three cities, in DaData's shapes.

Each entry carries the full `data` key set of a suggest answer (null when unknown), with the
API's encoding quirks: coordinates and `fias_level` are strings, `qc_geo` an integer.
The house id of Sukhonskaya 11 is DaData's own (from its documentation); other ids are made up
but stable (uuid5 of the address). English values are a transliteration, as DaData does.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from typing import Any

_KEY_NAMES = (
    "postal_code country country_iso_code federal_district region_fias_id region_kladr_id "
    "region_iso_code region_with_type region_type region_type_full region area_fias_id "
    "area_kladr_id area_with_type area_type area_type_full area city_fias_id city_kladr_id "
    "city_with_type city_type city_type_full city city_area city_district_fias_id "
    "city_district_kladr_id city_district_with_type city_district_type "
    "city_district_type_full city_district settlement_fias_id settlement_kladr_id "
    "settlement_with_type settlement_type settlement_type_full settlement street_fias_id "
    "street_kladr_id street_with_type street_type street_type_full street stead_fias_id "
    "stead_cadnum stead_type stead_type_full stead house_fias_id house_kladr_id house_cadnum "
    "house_type house_type_full house block_type block_type_full block entrance floor "
    "flat_fias_id flat_cadnum flat_type flat_type_full flat flat_area square_meter_price "
    "flat_price postal_box fias_id fias_code fias_level fias_actuality_state kladr_id "
    "geoname_id capital_marker okato oktmo tax_office tax_office_legal timezone geo_lat "
    "geo_lon beltway_hit beltway_distance metro divisions qc_geo qc_complete qc_house "
    "history_values unparsed_parts source qc"
)
DATA_KEYS = _KEY_NAMES.split()  # every key of a suggestion's `data`, in DaData's order

_REGIONS: dict[str, dict[str, Any]] = {
    "msk": {
        "federal_district": "Центральный",
        "region_fias_id": "0c5b2444-70a0-4932-980c-b4dc0d3f02b5",
        "region_kladr_id": "7700000000000",
        "region_iso_code": "RU-MOW",
        "region_with_type": "г Москва",
        "region_type": "г",
        "region_type_full": "город",
        "region": "Москва",
    },
    "spb": {
        "federal_district": "Северо-Западный",
        "region_fias_id": "c2deb16a-0330-4f05-821f-1d09c93331e6",
        "region_kladr_id": "7800000000000",
        "region_iso_code": "RU-SPE",
        "region_with_type": "г Санкт-Петербург",
        "region_type": "г",
        "region_type_full": "город",
        "region": "Санкт-Петербург",
    },
    "ekb": {
        "federal_district": "Уральский",
        "region_fias_id": "92b30014-4d52-4e2e-892d-928142b924bf",
        "region_kladr_id": "6600000000000",
        "region_iso_code": "RU-SVE",
        "region_with_type": "Свердловская обл",
        "region_type": "обл",
        "region_type_full": "область",
        "region": "Свердловская",
    },
}
_CITIES = {  # federal cities are their own region
    "msk": ("0c5b2444-70a0-4932-980c-b4dc0d3f02b5", "7700000000000", "Москва"),
    "spb": ("c2deb16a-0330-4f05-821f-1d09c93331e6", "7800000000000", "Санкт-Петербург"),
    "ekb": ("2763c110-cb8b-416a-9dac-ad28a55b4402", "6600000100000", "Екатеринбург"),
}
_STREET_TYPES = {"ул": "улица", "пр-кт": "проспект", "пл": "площадь"}
_WORDS = re.compile(r"\w+")


def words(text: str) -> list[str]:
    """Lower-case words with ё folded, as a person types them."""
    return _WORDS.findall(text.lower().replace("ё", "е"))


@dataclass(frozen=True, slots=True)
class FakeAddress:
    value: str
    value_en: str
    data: dict[str, Any]

    def matches(self, query: str) -> bool:
        """Every query word is the start of some word of the address (either language)."""
        known = words(f"{self.unrestricted('ru')} {self.value_en}")
        wanted = words(query)
        return bool(wanted) and all(any(w.startswith(q) for w in known) for q in wanted)

    def unrestricted(self, language: str) -> str:
        value = self.value_en if language == "en" else self.value
        region = self.data["region_with_type"]
        if language != "en" and not value.startswith(region):
            value = f"{region}, {value}"  # regional centres drop the region from `value`
        return f"{self.data['postal_code']}, {value}" if self.data["postal_code"] else value

    def suggestion(self, language: str) -> dict[str, Any]:
        return {
            "value": self.value_en if language == "en" else self.value,
            "unrestricted_value": self.unrestricted(language),
            "data": dict(self.data),
        }


def _street_fields(with_type: str) -> dict[str, Any]:
    """`ул Сухонская` or `Невский пр-кт`: the type comes first or last."""
    head, _, rest = with_type.partition(" ")
    kind, name = (head, rest) if head in _STREET_TYPES else with_type.rsplit(" ", 1)[::-1]
    return {
        "street_with_type": with_type,
        "street_type": kind,
        "street_type_full": _STREET_TYPES[kind],
        "street": name,
        "street_fias_id": _uuid(with_type),
    }


def _city_fields(city: str, postal: str) -> dict[str, Any]:
    city_fias, city_kladr, name = _CITIES[city]
    data: dict[str, Any] = dict.fromkeys(DATA_KEYS)
    data.update(_REGIONS[city], postal_code=postal, country="Россия", country_iso_code="RU")
    data.update(city_fias_id=city_fias, city_kladr_id=city_kladr, city_with_type=f"г {name}")
    data.update(city_type="г", city_type_full="город", city=name, capital_marker="0")
    data.update(fias_id=city_fias, fias_level="4", fias_actuality_state="0", qc_geo=4)
    return data


# (city, street with its type, house, flat, postal code, geo_lat, geo_lon)
_Row = tuple[str, str | None, str | None, str | None, str, str | None, str | None]


def _address(row: _Row) -> FakeAddress:
    city, street, house, flat, postal, lat, lon = row
    data = _city_fields(city, postal)
    parts = [data["city_with_type"], street, house and f"д {house}", flat and f"кв {flat}"]
    value = ", ".join(p for p in parts if p)
    if street:  # qc_geo: 4 city centre, 2 street, 0 exact house
        data.update(_street_fields(street), fias_level="7", qc_geo=2)
        data["fias_id"] = data["street_fias_id"]
    if house:
        house_value = ", ".join(p for p in parts[:3] if p)  # the flat's house is the house
        house_id = _KNOWN_HOUSES.get(house_value) or _uuid(house_value)
        data.update(house_type="д", house_type_full="дом", house=house, house_fias_id=house_id)
        data.update(fias_id=house_id, fias_level="8", qc_geo=0)
    if flat:
        data.update(flat_type="кв", flat_type_full="квартира", flat=flat)
        data.update(flat_fias_id=_uuid(value), fias_id=_uuid(value), fias_level="9")
    data.update(geo_lat=lat, geo_lon=lon)
    if lat is None or lon is None:
        data["qc_geo"] = 5  # DaData's "no coordinates"
    return FakeAddress(value, _english(value), data)


def _uuid(text: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"fake-dadata:{text}"))


_KNOWN_HOUSES = {"г Москва, ул Сухонская, д 11": "5ee84ac0-eb9a-4b42-b814-2f5f7c27c255"}
_TYPES_EN = {"г": "gorod", "ул": "ulitsa", "пр-кт": "prospekt", "пл": "ploshchad", "д": "dom"}
_TYPES_EN["кв"] = "kvartira"
_CYRILLIC = "абвгдеёжзийклмнопрстуфхцчшщъыьэюя"
_LATIN_TEXT = "a b v g d e yo zh z i y k l m n o p r s t u f kh ts ch sh shch - y - e yu ya"
_LATIN = _LATIN_TEXT.split()
_TRANSLIT = {c: ("" if v == "-" else v) for c, v in zip(_CYRILLIC, _LATIN, strict=True)}
_TRANSLIT |= {c.upper(): v.capitalize() for c, v in _TRANSLIT.items()}
_TRANSLATE = str.maketrans(_TRANSLIT)


def _english(value: str) -> str:
    """DaData's English is transliterated: `Russia, gorod Moskva, ulitsa Sukhonskaya, dom 11`."""
    latin = re.sub(r"[\w-]+", lambda m: _TYPES_EN.get(m[0]) or m[0].translate(_TRANSLATE), value)
    return f"Russia, {latin}"


ADDRESSES: tuple[FakeAddress, ...] = tuple(
    _address(row)
    for row in (
        ("msk", "ул Сухонская", "11", None, "127642", "55.8783675", "37.6537388"),
        ("msk", "ул Сухонская", "11", "89", "127642", "55.8783675", "37.6537388"),
        ("msk", "ул Сухонская", "13", None, "127642", None, None),
        ("msk", "ул Тверская", "7", None, "125009", "55.757956", "37.611534"),
        ("msk", "ул Льва Толстого", "16", None, "119021", "55.733974", "37.587093"),
        ("msk", "ул Снежная", None, None, "129323", "55.852405", "37.646947"),
        ("spb", "Невский пр-кт", "28", None, "191186", "59.935877", "30.325842"),
        ("spb", "Дворцовая пл", "2", None, "190000", "59.939864", "30.314566"),
        ("spb", "Московский пр-кт", "100", None, "196084", "59.891720", "30.318463"),
        ("ekb", "ул Малышева", "51", None, "620014", "56.834773", "60.614155"),
        ("ekb", "пр-кт Ленина", "24/8", None, "620014", "56.838607", "60.603120"),
        ("ekb", None, None, None, "620000", "56.838011", "60.597474"),
    )
)
