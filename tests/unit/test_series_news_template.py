"""The client's `series_changed` message (docs/recurring.md): one message listing the visits
of a series that were cancelled or moved, with built-in texts in English and Russian that
need `{visits}`; an organization's own text without it is refused like any template."""

from __future__ import annotations

from core.client_loop.model import MessageKind
from core.client_loop.templates import EDITABLE, Problem, default, render, validate

KIND = MessageKind.SERIES_CHANGED
VISITS = "• 10.03.2026 09:00: cancelled\n• 17.03.2026 09:00: cancelled"


def test_the_built_in_texts_list_the_visits_in_both_languages():
    values = {"org_name": "Чистый дом", "visits": VISITS}
    english = render(KIND, default(KIND, "en"), values)
    russian = render(KIND, default(KIND, "ru"), values)
    assert english == "Чистый дом: your recurring visits have changed:\n" + VISITS
    assert russian == "Чистый дом: изменилось расписание ваших регулярных визитов:\n" + VISITS
    assert KIND in EDITABLE


def test_an_own_text_must_name_the_visits():
    problems = validate(KIND, "{org_name}: your visits changed")
    assert [p.problem for p in problems] == [Problem.MISSING_VARIABLE]
    assert problems[0].name == "visits"
    assert validate(KIND, "{client_first_name}, new plan:\n{visits}") == []
