"""What the local T-Bank refuses in an authenticated Init (sandbox/peers/tbank.py): the
amount, the order id, DATA and the FFD 1.05 receipt, as the bank's Details texts."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def init_problem(body: Mapping[str, Any]) -> str:
    """What the bank would refuse in an authenticated Init, as its Details text ("" if fine)."""
    amount, order_id = body["Amount"], body["OrderId"]
    if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
        return "Amount должен быть целым числом копеек больше нуля."
    if not isinstance(order_id, str | int) or not 0 < len(str(order_id)) <= 36:
        return "OrderId должен быть строкой до 36 символов."
    data = body.get("DATA")
    if data is not None and not _valid_data(data):
        return "DATA: не более 20 пар, ключ до 20 символов, значение до 100."
    receipt = body.get("Receipt")
    return "" if receipt is None else _receipt_problem(receipt, amount)


def _valid_data(data: Any) -> bool:
    pairs = data.items() if isinstance(data, dict) and len(data) <= 20 else [("", None)]
    return all(isinstance(v, str) and len(k) <= 20 and len(v) <= 100 for k, v in pairs)


def _receipt_problem(receipt: Any, amount: int) -> str:
    """FFD 1.05: items with Name, Price, Quantity, Amount = Price × Quantity, Tax; a Taxation;
    an Email or a Phone; and the items' Amounts add up to the payment's Amount."""
    if not isinstance(receipt, dict) or not isinstance(receipt.get("Taxation"), str):
        return "Receipt: не указана система налогообложения (Taxation)."
    if not (receipt.get("Email") or receipt.get("Phone")):
        return "Receipt: укажите Email или Phone покупателя."
    items = receipt.get("Items")
    if not isinstance(items, list) or not items or not all(_valid_item(i) for i in items):
        return "Receipt: неверные позиции чека (Items)."
    if sum(item["Amount"] for item in items) != amount:
        return "Сумма позиций чека не равна сумме платежа."
    return ""


def _valid_item(item: Any) -> bool:
    if not isinstance(item, dict) or not isinstance(item.get("Name"), str):
        return False
    numbers: tuple[Any, ...] = tuple(item.get(key) for key in ("Price", "Quantity", "Amount"))
    price, quantity, line = numbers
    if not all(type(n) in (int, float) for n in (price, quantity)) or type(line) is not int:
        return False
    return isinstance(item.get("Tax"), str) and round(price * quantity) == line
