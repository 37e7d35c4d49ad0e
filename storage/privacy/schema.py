"""The schema as the privacy features see it: which tables hold an organization's rows, which
point at a person or a client, which columns are secrets, and rows as JSON-safe values.

Everything is found from `storage.tables.metadata`, so a table added later (payments, call
logs, preferences) joins exports, erasure and purges without changes here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Column, DateTime, Float, Integer, String, Table
from sqlalchemy.engine import Row
from sqlalchemy.types import TypeDecorator, TypeEngine

from core.privacy.model import Entity
from storage.tables import metadata

ORG_COLUMN = "organization_id"
# Queue and delivery bookkeeping, and sign-in credentials: not the organization's data.
NOT_EXPORTED = frozenset(
    {"job", "order_message", "dialog_state", "processed_update", "sign_in_link", "admin_session"}
    | {"client_page_token", "client_optout_token", "client_sms_hook", "client_relay_copy"}
    | {"quote_page_token"}
)
SECRET = re.compile(r"token|secret|ciphertext|password|_hash$|^(api|org)_key$")
# Columns naming an object in storage (deleted with their row) and holding a client's phone.
# (an invoice's PDFs name the client: they go with the invoice, docs/invoices.md)
OBJECT_KEY_COLUMNS = frozenset({"storage_key", "recording_key", "file_key", "report_key"})
PHONE_COLUMNS = frozenset({"client_phone"})
# Money not named `*_minor`: the CRM's own bills, always in kopecks
# (see core.privacy.export_format).
MONEY_COLUMNS = {"payment.amount": "money:RUB"}
# Friendlier names for the entities of an export; other tables keep their table name.
ENTITY_NAMES = {
    "membership": "members",
    "client": "clients",
    "client_phone": "client_phones",
    "client_event": "client_events",
    "work_order": "orders",
    "order_event": "order_events",
    "attachment": "files",
    "voice_note": "voice_notes",
    "service_category": "categories",
    "invite": "invites",
    "consent": "consents",
    "payment": "payments",
    "call_log": "call_logs",
    "audit_event": "audit_log",
    "admin_session": "web_sessions",  # the person's own: browser, address, when (tokens not)
    "app_user": "profile",
    "client_link": "client_links",
    "client_invite": "client_invites",
    "client_consent": "client_consents",
    "client_message": "client_messages",
    "client_template": "client_templates",
}


def table(name: str) -> Table:
    return metadata.tables[name]


def org_tables() -> list[Table]:
    """Tables with an organization_id, dependents before what they depend on (safe to delete
    in this order), the organization itself excluded."""
    return [
        t
        for t in reversed(metadata.sorted_tables)
        if ORG_COLUMN in t.c and t.name != "organization"
    ]


def referencing(target: str) -> list[Column[Any]]:
    """Columns of other tables with a foreign key to `target` (`table.column`)."""
    found = []
    for t in metadata.sorted_tables:
        for column in t.columns:
            if any(fk.target_fullname == target for fk in column.foreign_keys):
                found.append(column)
    return found


def exported_columns(t: Table) -> list[Column[Any]]:
    return [c for c in t.columns if not SECRET.search(c.name)]


def _base(column: Column[Any]) -> TypeEngine[Any]:
    """The column's SQL type, seen through decorators (sqlmodel's AutoString, UtcDateTime)."""
    kind = column.type
    return kind.impl_instance if isinstance(kind, TypeDecorator) else kind


def type_name(column: Column[Any]) -> str:
    if (money := MONEY_COLUMNS.get(f"{column.table.name}.{column.name}")) is not None:
        return money
    base = _base(column)
    for sql_type, name in (
        (JSON, "json"),
        (Boolean, "boolean"),
        (Integer, "integer"),
        (Float, "number"),
        (DateTime, "timestamp (UTC)"),
    ):
        if isinstance(base, sql_type):
            return name
    return "text"


def jsonable(value: Any) -> Any:
    if isinstance(value, datetime | date):  # a day (a quote's last, a request's due) too
        return value.isoformat()
    return value


def as_entity(
    t: Table, rows: Iterable[Row[Any]], extra: Mapping[str, str] | None = None
) -> Entity:
    """Rows of `t` (with any `extra` labelled columns selected after them) as an entity."""
    columns = exported_columns(t)
    names = [c.name for c in columns] + list(extra or {})
    kinds = [type_name(c) for c in columns] + list((extra or {}).values())
    data = [{n: jsonable(row._mapping[n]) for n in names} for row in rows]
    return Entity(ENTITY_NAMES.get(t.name, t.name), tuple(zip(names, kinds, strict=True)), data)


def text_columns(t: Table) -> list[Column[Any]]:
    """Columns that can hold someone's words: strings and JSON."""
    return [c for c in t.columns if isinstance(_base(c), String | JSON)]


def integer_columns(t: Table) -> list[Column[Any]]:
    return [c for c in t.columns if isinstance(_base(c), Integer)]


def key_columns(t: Table) -> list[Column[Any]]:
    return [c for c in t.columns if c.name in OBJECT_KEY_COLUMNS]
