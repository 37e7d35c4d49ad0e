"""/settings buttons speak the reader's language (hours as "ч" in Russian)."""

from handlers.i18n import Catalogs
from handlers.settings import _grace_buttons


def test_grace_buttons_name_hours_in_the_readers_language():
    catalogs = Catalogs("en")
    russian = [b.text for b in _grace_buttons(catalogs.get("ru"), 24)]
    english = [b.text for b in _grace_buttons(catalogs.get("en"), 24)]
    assert russian == ["🔒 0 ч", "🔒 4 ч", "🔒 72 ч"]
    assert english == ["🔒 0 h", "🔒 4 h", "🔒 72 h"]
    assert [b.callback_data for b in _grace_buttons(catalogs.get("en"), 4)] == [
        "gs:0",
        "gs:24",
        "gs:72",
    ]
