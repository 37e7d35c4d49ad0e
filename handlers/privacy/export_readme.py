"""The README inside an export's ZIP, in the language of the person who asked for it: how the
files are laid out, what the CSV's units and times mean, then every entity's columns."""

from __future__ import annotations

from core.privacy.export_format import MONEY, TIMESTAMP, ReadmeFacts, column_kind, currency_of
from handlers.i18n import N_, Translator

KIND_LABELS = {
    "integer": N_("whole number"),
    "number": N_("number"),
    "text": N_("text"),
    "boolean": N_("true or false"),
    "json": N_("nested data (JSON)"),
}


def _head(t: Translator, facts: ReadmeFacts) -> list[str]:
    what = t.raw("your personal data") if facts.personal else t.raw("the organization's data")
    if facts.client_id is not None:
        what = t.raw("everything the organization holds about client #{id}").format(
            id=facts.client_id
        )
    created = facts.created_at.isoformat(timespec="seconds")
    zone = facts.layout.zone
    return [
        t.raw("AstraCRM export: {what}").format(what=what),
        t.raw("Created: {moment} (UTC)").format(moment=created),
        "",
        t.raw(
            "Every entity is here twice. NAME.json is a list of objects, one per row, with the "
            "stored values: times in UTC (ISO 8601), money in minor units (kopecks, cents)."
        ),
        t.raw(
            "NAME.csv holds the same rows for Excel or LibreOffice: UTF-8, a header row, "
            "“{delimiter}” between cells, money in major units with two decimals, times in "
            "the {zone} time zone (named in the column's header), nested data as JSON text "
            "and empty cells where there is no value."
        ).format(delimiter=facts.layout.delimiter, zone=zone),
        t.raw("Ids link the entities, for example orders.client_id → clients.id."),
        t.raw("Files attached to orders are in files/order-ORDER_ID/FILE_ID-NAME."),
        "",
        t.raw("Entities and their columns:"),
    ]


def _kind(t: Translator, name: str, kind: str, facts: ReadmeFacts) -> str:
    found = column_kind(name, kind)
    if found == MONEY:
        currency = currency_of(kind, facts.layout) or "?"
        return t.raw("money, {currency}").format(currency=currency)
    if found == TIMESTAMP:
        return t.raw("date and time")
    label = KIND_LABELS.get(found)
    return t.raw(label) if label else found


def export_readme(t: Translator, facts: ReadmeFacts) -> str:
    """The README's text, plain (not HTML)."""
    lines = _head(t, facts)
    for name, columns, count in facts.entities:
        rows = t.n("{count} row", "{count} rows", count)
        lines.append(f"\n{name} ({rows})")
        lines += [f"  - {column}: {_kind(t, column, kind, facts)}" for column, kind in columns]
    files = t.n("{count} attached file", "{count} attached files", facts.files)
    lines.append(f"\nfiles/: {files}\n")
    return "\n".join(lines)
