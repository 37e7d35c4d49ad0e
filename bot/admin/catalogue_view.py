"""The catalogue page's HTML (pure): the items with a form each (edit; archive or restore) and
a form to add one. Prices are typed as plain numbers (1500 or 1500.50), the VAT as a
percentage (20) or "-" for none."""

from __future__ import annotations

from collections.abc import Sequence

from bot.admin.html import Safe, SafeText, button, field, form, join, page, select, tag
from core.catalogue.model import CatalogueItem, ItemKind, vat_label
from handlers.formatting import money
from handlers.i18n import N_

KINDS = {ItemKind.SERVICE: N_("Service"), ItemKind.MATERIAL: N_("Material")}


def _plain_price(minor: int) -> str:
    whole, rest = divmod(minor, 100)
    return str(whole) if not rest else f"{whole}.{rest:02d}"


def _vat(vat_bp: int | None) -> str:
    return vat_label(vat_bp).removesuffix("%")


def _fields(t: SafeText, item: CatalogueItem | None) -> Safe:
    kinds = [(k.value, str(t(label))) for k, label in KINDS.items()]
    kind = item.kind.value if item is not None else ItemKind.SERVICE.value
    return join(
        [
            select(t("Kind"), "kind", kinds, kind),
            field(t("Name"), "name", item.name if item else "", maxlength=120, required=True),
            field(t("Unit"), "unit", item.unit if item else "", maxlength=12),
            field(
                t("Price"), "price", _plain_price(item.price_minor) if item else "", required=True
            ),
            field(t("VAT, %"), "vat", _vat(item.vat_bp) if item else "20", maxlength=8),
        ]
    )


def _row(t: SafeText, currency: str, csrf: str, item: CatalogueItem) -> Safe:
    shown = money(t.translator, item.price_minor, currency)
    unit = f" / {item.unit}" if item.unit else ""
    head = tag(
        "h3",
        join([item.name, " — ", shown, unit, " · ", t("VAT"), " ", vat_label(item.vat_bp)]),
    )
    action = "restore" if item.archived else "archive"
    label = t("Restore") if item.archived else t("Archive")
    edit = form(
        f"/catalogue/{item.id}/edit", csrf, _fields(t, item),
        button(t("Save"), testid=f"save-{item.id}"), testid=f"item-{item.id}",
    )  # fmt: skip
    toggle = form(
        f"/catalogue/{item.id}/{action}", csrf, button(label, testid=f"{action}-{item.id}")
    )
    status = tag("p", t("Archived: not offered on orders")) if item.archived else ""
    return tag("section", join([head, status, edit, toggle]), class_="item")


def catalogue_page(
    t: SafeText,
    org: str,
    currency: str,
    csrf: str,
    items: Sequence[CatalogueItem],
    message: Safe | None = None,
) -> str:
    add = form(
        "/catalogue/add", csrf, tag("h2", t("Add a service or material")), _fields(t, None),
        button(t("Add"), testid="add"), testid="add-item",
    )  # fmt: skip
    rows = [_row(t, currency, csrf, item) for item in items]
    empty = tag("p", t("No services or materials yet.")) if not items else ""
    body = join([message or "", add, tag("h2", t("Services and materials")), empty, *rows])
    return page(t, t("Services and materials"), body, org)
