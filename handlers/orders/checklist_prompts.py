"""The questions of a checklist's number and photo items (pure renderers)."""

from __future__ import annotations

from core.dialogs.checklist_data import ChecklistNumberData, ChecklistPhotoData
from core.dialogs.engine import DialogState, data_as
from handlers.i18n import Translator
from handlers.prompts import PromptEnv, Rendered


def reading(t: Translator, state: DialogState, env: PromptEnv) -> Rendered:
    d = data_as(state, ChecklistNumberData)
    unit = f" ({d.unit})" if d.unit else ""
    text = t(
        "🔢 Order №{number}: type the number for “{item}”{unit}, for example 12345,6.\n"
        "/cancel stops.",
        number=d.number,
        item=d.text or "—",
        unit=unit,
    )
    return text, None


def photo(t: Translator, state: DialogState, env: PromptEnv) -> Rendered:
    d = data_as(state, ChecklistPhotoData)
    text = t(
        "📷 Order №{number}: send a photo for “{item}”. The next photo you send here answers "
        "it.\n/cancel stops.",
        number=d.number,
        item=d.text or "—",
    )
    return text, None


CHECKLIST_PROMPTS = {
    ("checklist_number", "reading"): reading,
    ("checklist_photo", "photo"): photo,
}
