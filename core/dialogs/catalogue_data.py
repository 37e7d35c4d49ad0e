"""The conversations of an order's lines and the catalogue, typed: a line added to an order,
a line's new quantity (`core.catalogue.flow`), and /services' new item and new price. Stored
and read back by `core.dialogs.data` like every flow's data."""

from __future__ import annotations

from dataclasses import dataclass

from core.dialogs.engine import DialogData
from core.dialogs.offered import Ref


@dataclass(frozen=True, slots=True, kw_only=True)
class OrderLineData(DialogData):
    """The "➕ Add line" of a card (`core.catalogue.flow`): a catalogue item picked and its
    quantity, or a line typed whole; the order's number, the person's language (how they
    write numbers) and the active items offered (id, name)."""

    flow = "order_line"
    order_id: int
    number: int | None = None
    language: str | None = None
    items: tuple[Ref, ...] | None = None
    line: str | None = None  # "item:<id>", or the typed line ("replace tap, 1 x 1500")
    quantity: str | None = None  # of a picked item: "2,5" or "2,5 м"


@dataclass(frozen=True, slots=True, kw_only=True)
class LineQuantityData(DialogData):
    """ "✏️" of a line in an order's "🧾 Lines" (`core.catalogue.flow`): its new quantity; the
    order's number, the line's name and quantity for the question, the person's language."""

    flow = "line_quantity"
    order_id: int
    line_id: int
    number: int | None = None
    name: str | None = None  # "" for the price as agreed
    was: int | None = None  # the quantity now, in thousandths
    language: str | None = None
    items: tuple[Ref, ...] | None = None  # none offered (read as `core.catalogue.flow.Picking`)
    quantity: str | None = None  # "2,5" or "2,5 м"


@dataclass(frozen=True, slots=True, kw_only=True)
class ServiceNewData(DialogData):
    """/services → "➕ Add": the item typed on one line ("name; unit; price; VAT")."""

    flow = "service_new"
    kind: str = "service"  # or "material"
    language: str | None = None
    item: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ServicePriceData(DialogData):
    """/services → an item → "✏️ Price": its new price."""

    flow = "service_price"
    item_id: int
    name: str | None = None
    price: int | None = None
