"""The flow engine: steps, skips, re-asking, stale buttons."""

from dataclasses import dataclass

import pytest

from core.dialogs.engine import DialogData, DialogInput, Flow, Step, choice_of
from core.errors import DomainError
from core.team.onboarding import NEW_ORG_FLOW, ONBOARDING_FLOW
from core.text import clean_name


@dataclass(frozen=True, slots=True, kw_only=True)
class Demo(DialogData):
    flow = "demo"
    name: str | None = None
    color: str | None = None
    shade: str | None = None


def _name(given, _data):
    return clean_name(given.text)


FLOW = Flow(
    Demo,
    (
        Step("name", _name),
        Step("color", choice_of({"r": "Red", "g": "Green"})),
        Step("shade", choice_of({"d": "Dark"}), skip=lambda d: d.color != "r"),
    ),
)


def test_walks_the_steps_and_finishes():
    state = FLOW.start()
    assert state.step == "name"
    progress = FLOW.advance(state, DialogInput(text="  Ann  "))
    assert not progress.finished and progress.state.step == "color"
    progress = FLOW.advance(progress.state, DialogInput(choice="g"))
    assert progress.finished
    assert progress.state.data == Demo(name="Ann", color="g")


def test_conditional_step():
    state = FLOW.advance(FLOW.start(), DialogInput(text="Ann")).state
    progress = FLOW.advance(state, DialogInput(text="red"))
    assert progress.state.step == "shade" and not progress.finished


def test_bad_input_raises_and_keeps_state():
    state = FLOW.start()
    with pytest.raises(DomainError) as caught:
        FLOW.advance(state, DialogInput(text="   "))
    assert caught.value.code == "name_empty"


def test_a_button_from_another_step_is_outdated():
    state = FLOW.advance(FLOW.start(), DialogInput(text="Ann")).state
    with pytest.raises(DomainError) as caught:
        FLOW.advance(state, DialogInput(choice="r", step="name"))
    assert caught.value.code == "dialog_outdated"


def test_typed_label_is_accepted_case_insensitively():
    state = FLOW.advance(FLOW.start(), DialogInput(text="Ann")).state
    assert FLOW.advance(state, DialogInput(text="GREEN")).state.data == Demo(name="Ann", color="g")


def test_onboarding_skips_consent_when_under_age():
    state = ONBOARDING_FLOW.start()
    state = ONBOARDING_FLOW.advance(state, DialogInput(choice="ru")).state
    progress = ONBOARDING_FLOW.advance(state, DialogInput(choice="no"))
    assert progress.finished and progress.state.data.age == "no"


def test_new_org_validates_time_zone_and_currency():
    state = NEW_ORG_FLOW.advance(NEW_ORG_FLOW.start(), DialogInput(text="Чистый дом")).state
    with pytest.raises(DomainError):
        NEW_ORG_FLOW.advance(state, DialogInput(text="Mars/Olympus"))
    state = NEW_ORG_FLOW.advance(state, DialogInput(text="yekaterinburg")).state
    assert state.data.timezone == "Asia/Yekaterinburg"
    with pytest.raises(DomainError):
        NEW_ORG_FLOW.advance(state, DialogInput(text="rubles"))
    progress = NEW_ORG_FLOW.advance(state, DialogInput(text="rub"))
    assert progress.finished and progress.state.data.currency == "RUB"


def test_a_skipped_answer_counts_as_answered():
    flow = Flow(Demo, (Step("name", lambda g, d: g.text or None), Step("color", _name)))
    progress = flow.advance(flow.start(), DialogInput(choice="skip"))
    assert progress.state.step == "color" and progress.state.data.name is None
    assert progress.state.data.has("name") and not progress.state.data.has("color")
    assert not progress.state.data.forget("name").has("name")


def test_a_parser_returning_the_wrong_type_is_a_bug_not_an_answer():
    flow = Flow(Demo, (Step("name", lambda g, d: 42),))
    with pytest.raises(ValueError):
        flow.advance(flow.start(), DialogInput(text="Ann"))
