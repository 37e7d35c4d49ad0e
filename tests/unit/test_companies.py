"""Business clients' rules: INN/OGRN/KPP check digits, what a typed search is, DaData's
statuses and answers read into companies, and the conversation's stored form."""

from __future__ import annotations

from datetime import date

import pytest

from core.companies.checks import (
    checked_kpp,
    inn_valid,
    kpp_valid,
    ogrn_valid,
    party_query,
)
from core.companies.model import FLAGGED, Company, CompanyStatus, status_of
from core.companies.service import manual_company
from core.dialogs.company_data import ClientCompanyData, PartyOption
from core.dialogs.data import state_from_json, state_to_json
from core.errors import DomainError
from handlers.companies.render import company_lines, warning
from handlers.i18n import Catalogs
from integrations.dadata_party import parse_parties
from tests.fakes.dadata_parties import PARTIES


@pytest.mark.parametrize("inn", ["7707083893", "7730123456", "771234567859", "500100732259"])
def test_valid_inns(inn):
    assert inn_valid(inn)


@pytest.mark.parametrize(
    "inn", ["7707083894", "771234567850", "77070838931", "770708389", "７７０７０８３８９３", ""]
)
def test_invalid_inns(inn):
    assert not inn_valid(inn)


@pytest.mark.parametrize("ogrn", ["1027700132195", "1027730123453", "319774600123453"])
def test_valid_ogrns(ogrn):
    assert ogrn_valid(ogrn)


@pytest.mark.parametrize(
    "ogrn", ["1027700132196", "319774600123454", "102770013219", "10277001321950", "abc"]
)
def test_invalid_ogrns(ogrn):
    assert not ogrn_valid(ogrn)


def test_ogrnip_uses_modulo_13_not_11():
    body = "31977460012345"
    assert int(body) % 11 % 10 != int(body) % 13 % 10  # the two rules differ here
    assert ogrn_valid(body + str(int(body) % 13 % 10))
    assert not ogrn_valid(body + str(int(body) % 11 % 10))


def test_kpp():
    assert kpp_valid("773601001") and kpp_valid("7736AB001")
    assert not kpp_valid("77360100") and not kpp_valid("7736ab001")
    assert checked_kpp(" 7736 01 001 ") == "773601001"
    assert checked_kpp("-") is None
    with pytest.raises(DomainError) as refused:
        checked_kpp("12345")
    assert refused.value.code == "kpp_invalid"


@pytest.mark.parametrize(
    ("typed", "text", "number"),
    [
        ("7707083893", "7707083893", True),
        ("77 0708-3893", "7707083893", True),
        ("1027700132195", "1027700132195", True),
        ("319774600123453", "319774600123453", True),
        ("  ромашка   плюс ", "ромашка плюс", False),
        ("ООО 1", "ООО 1", False),
    ],
)
def test_a_search_is_a_number_or_a_name(typed, text, number):
    query = party_query(typed)
    assert (query.text, query.number) == (text, number)


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("7707083894", "inn_invalid"),
        ("1027700132196", "ogrn_invalid"),
        ("12345", "company_query_invalid"),
        ("ро", "company_query_invalid"),
        ("", "company_query_invalid"),
    ],
)
def test_a_wrong_search_is_refused(typed, code):
    with pytest.raises(DomainError) as refused:
        party_query(typed)
    assert refused.value.code == code


def test_status_mapping():
    assert status_of("LIQUIDATED") is CompanyStatus.LIQUIDATED
    assert status_of("active") is CompanyStatus.ACTIVE
    assert status_of("SOMETHING_NEW") is None and status_of(None) is None
    assert {s.value for s in FLAGGED} == {"LIQUIDATING", "LIQUIDATED", "BANKRUPT"}
    assert not Company("7707083893", "X", status=CompanyStatus.REORGANIZING).flagged


def test_manual_entry_is_checked():
    made = manual_company("7730123456", "  ООО  Ромашка ", "773001001", "Москва", "1027730123453")
    assert made == Company("7730123456", "ООО Ромашка", "773001001", "1027730123453",
                           address="Москва")  # fmt: skip
    sole = manual_company("771234567859", "ИП Иванов", kpp="773001001")
    assert sole.individual and sole.kpp is None  # a sole trader has no KPP
    for args, code in (
        (("7730123457", "X"), "inn_invalid"),
        (("7730123456", " "), "company_name_empty"),
        (("7730123456", "X", "1"), "kpp_invalid"),
        (("7730123456", "X", None, None, "1027730123454"), "ogrn_invalid"),
    ):
        with pytest.raises(DomainError) as refused:
            manual_company(*args)
        assert refused.value.code == code


def _answer(*parties):
    return {"suggestions": [p.suggestion() for p in parties]}


def test_dadata_answers_become_companies():
    sber, branch, _, _, _, vector, sole = PARTIES
    found = parse_parties(_answer(sber, branch, vector, sole))
    assert found is not None
    head, nsk, liquidated, ip = found
    assert head == Company(
        inn="7707083893",
        name='ПУБЛИЧНОЕ АКЦИОНЕРНОЕ ОБЩЕСТВО "СБЕРБАНК РОССИИ"',
        kpp="773601001",
        ogrn="1027700132195",
        short_name='ПАО "СБЕРБАНК"',
        address="117312, г Москва, ул Вавилова, д 19",
        status=CompanyStatus.ACTIVE,
        branch="MAIN",
    )
    assert (nsk.kpp, nsk.branch) == ("540602001", "BRANCH")
    assert liquidated.flagged and liquidated.liquidation_date == date(2022, 1, 1)
    assert ip.individual and ip.kpp is None and ip.ogrn == "319774600123453"


def test_odd_dadata_answers():
    assert parse_parties({"suggestions": "x"}) is None
    assert parse_parties([]) is None
    odd = {
        "suggestions": [
            None,
            {"value": "X"},
            {"value": "Y", "data": {"inn": "1"}},
            {"value": "Z", "data": {"inn": "2", "name": None, "state": []}},
        ]
    }
    found = parse_parties(odd) or []  # no name object: `value` names it
    assert [(c.inn, c.name, c.status) for c in found] == [("1", "Y", None), ("2", "Z", None)]


def test_the_conversation_keeps_what_was_found():
    sber = parse_parties(_answer(*PARTIES[:2])) or []
    data = ClientCompanyData(client_id=7, offline=False, has_company=True, query="7707083893",
                             found=tuple(PartyOption.of(c) for c in sber))  # fmt: skip
    stored = state_to_json(data)
    back = state_from_json("client_company", "pick", stored, 1)
    assert back is not None and back.data == data
    assert back.data.found[1].company(None) == sber[1]  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("language", "badge"),
    [
        ("ru", "⚠️ Компания ликвидирована (01.01.2022)"),
        ("en", "⚠️ The company is liquidated (2022-01-01)"),
    ],
)
def test_the_badge_in_both_languages(language, badge):
    t = Catalogs().get(language)
    (vector,) = parse_parties(_answer(PARTIES[5])) or []
    assert warning(t, vector) == badge
    assert company_lines(t, vector)[0] == f"<b>{badge}</b>"
