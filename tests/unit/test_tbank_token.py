"""The T-Bank Token (docs/protocols.md) against the bank's published check vectors, and its
edge cases."""

from __future__ import annotations

import hashlib

import pytest

from core.billing.rules import tbank_token, verify_token

INIT_DOC = {
    "TerminalKey": "MerchantTerminalKey",
    "Amount": 19200,
    "OrderId": "00000",
    "Description": "Подарочная карта на 1000 рублей",
}
NOTIFICATION_DOC = {
    "TerminalKey": "1234567890DEMO",
    "OrderId": "000000",
    "Success": True,
    "Status": "AUTHORIZED",
    "PaymentId": "0000000",
    "ErrorCode": "0",
    "Amount": 1111,
    "CardId": "000000",
    "Pan": "200000******0000",
    "ExpDate": "1111",
    "RebillId": "000000",
}
SIMPLE = {
    "Amount": 100000,
    "Description": "test",
    "OrderId": "TokenExample",
    "TerminalKey": "TinkoffBankTest",
}


def sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def test_init_vector_from_the_docs():
    token = tbank_token(INIT_DOC, "11111111111111")
    assert token == "72dd466f8ace0a37a1f740ce5fb78101712bc0665d91a8108c7c8a0ccd426db2"
    assert token == sha(
        "19200Подарочная карта на 1000 рублей0000011111111111111MerchantTerminalKey"
    )


def test_notification_vector_from_the_docs():
    token = tbank_token(NOTIFICATION_DOC, "11111111111")
    assert token == "1c0964277d0213349243065a0d5b838b8e90d2d25f740d0f2767836e710e80c8"


def test_simple_vector():
    token = tbank_token(SIMPLE, "123456")
    assert token == "597c160c8c348fb14c63c820c54b712468923a74fd111ac6b0ecda01fb5f4716"


def test_key_order_of_the_mapping_does_not_matter():
    shuffled = dict(reversed(list(SIMPLE.items())))
    assert tbank_token(shuffled, "123456") == tbank_token(SIMPLE, "123456")


@pytest.mark.parametrize(("value", "text"), [(True, "true"), (False, "false")])
def test_booleans_are_lowercase(value, text):
    assert tbank_token({"Success": value, "Amount": 5}, "pw") == sha(f"5pw{text}")


def test_nested_objects_arrays_and_nulls_are_not_signed():
    fields = {
        **SIMPLE,
        "Receipt": {"Items": [{"Name": "x", "Amount": 100000}], "Taxation": "osn"},
        "DATA": {"Phone": "+79001234567"},
        "Shops": [{"ShopCode": "1"}],
        "Params": [],
        "Message": None,
    }
    assert tbank_token(fields, "123456") == tbank_token(SIMPLE, "123456")


def test_the_token_field_itself_is_excluded():
    signed = {**SIMPLE, "Token": "anything"}
    assert tbank_token(signed, "123456") == tbank_token(SIMPLE, "123456")


def test_numbers_are_plain_decimal():
    assert tbank_token({"Amount": 1500.0}, "p") == tbank_token({"Amount": 1500}, "p")
    assert tbank_token({"Amount": 1500}, "p") == sha("1500p")


def test_a_password_field_is_replaced_by_the_password():
    assert tbank_token({**SIMPLE, "Password": "wrong"}, "123456") == tbank_token(SIMPLE, "123456")


def test_output_is_lowercase_hex():
    token = tbank_token(SIMPLE, "x")
    assert len(token) == 64
    assert token == token.lower()


def signed(fields: dict[str, object], password: str) -> dict[str, object]:
    return {**fields, "Token": tbank_token(fields, password)}


def test_verify_accepts_the_documented_notification():
    notification = {**NOTIFICATION_DOC, "DATA": {"Email": "a@example.com"}}
    notification["Token"] = "1c0964277d0213349243065a0d5b838b8e90d2d25f740d0f2767836e710e80c8"
    assert verify_token(notification, "11111111111")


@pytest.mark.parametrize(
    "change",
    [
        {"Amount": 1112},
        {"Status": "CONFIRMED"},
        {"Success": False},
        {"TerminalKey": "other"},
        {"Extra": "field"},
    ],
)
def test_verify_refuses_a_tampered_notification(change):
    notification = signed(NOTIFICATION_DOC, "11111111111")
    assert not verify_token({**notification, **change}, "11111111111")


def test_verify_refuses_the_wrong_password():
    assert not verify_token(signed(NOTIFICATION_DOC, "11111111111"), "22222222222")


@pytest.mark.parametrize("token", [None, 12345, "", "ПОДДЕЛКА", "A" * 64])
def test_verify_refuses_missing_or_odd_tokens(token):
    notification = {**NOTIFICATION_DOC}
    if token is not None:
        notification["Token"] = token
    assert not verify_token(notification, "11111111111")


def test_verify_ignores_nested_data_changes():
    """DATA is not signed (the bank's rule), so the handler must not trust it for amounts."""
    notification = signed({**SIMPLE, "DATA": {"plan": "pro"}}, "123456")
    assert verify_token({**notification, "DATA": {"plan": "business"}}, "123456")
