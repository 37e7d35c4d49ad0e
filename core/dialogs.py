"""A small declarative engine for multi-step conversations whose state lives in the database.

A `Flow` is an ordered list of `Step`s. Each step parses one input (typed text, a tapped
choice, a shared contact or location) into a value, or raises `DomainError` to ask again.
Services load the `DialogState` inside their unit of work, call `advance`, and either save the
new state or, when the flow is finished, perform the use case and clear it in the same
transaction, so a restart or a second process can never lose or fork a half-made flow.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from core.errors import DomainError


@dataclass(frozen=True, slots=True)
class DialogInput:
    text: str | None = None
    choice: str | None = None
    step: str | None = None
    contact_phone: str | None = None
    contact_name: str | None = None
    location: tuple[float, float] | None = None
    # The text read as a number the way the person's language writes numbers, as a plain
    # decimal ("5000.50", "-500"), when it is one: the chat handler reads it.
    number: str | None = None


@dataclass(frozen=True, slots=True)
class DialogState:
    flow: str
    step: str
    data: Mapping[str, Any] = field(default_factory=dict)
    version: int = 0


Parser = Callable[[DialogInput, Mapping[str, Any]], Any]
ChoiceParser = Callable[[DialogInput, Mapping[str, Any]], str]


@dataclass(frozen=True, slots=True)
class Step:
    name: str
    parse: Parser
    skip: Callable[[Mapping[str, Any]], bool] | None = None


@dataclass(frozen=True, slots=True)
class Progress:
    """The result of one input: the state to keep, and whether every step now has a value."""

    state: DialogState
    finished: bool


@dataclass(frozen=True, slots=True)
class Flow:
    name: str
    steps: tuple[Step, ...]

    def start(self, data: Mapping[str, Any] | None = None) -> DialogState:
        """Begin at the first step that applies and is not answered by `data` already."""
        initial = dict(data or {})
        first = self.next_step(initial)
        if first is None:
            raise ValueError(f"flow {self.name} has no applicable step")
        return DialogState(self.name, first, initial)

    first = start

    def step(self, name: str) -> Step:
        for step in self.steps:
            if step.name == name:
                return step
        raise DomainError("dialog_outdated")

    def next_step(self, data: Mapping[str, Any]) -> str | None:
        """A flow is a form: ask the first step that applies and has no answer yet. Removing
        answers (to correct them) therefore asks those steps again, nothing else."""
        for step in self.steps:
            if step.name not in data and (step.skip is None or not step.skip(data)):
                return step.name
        return None

    def apply(self, state: DialogState, given: DialogInput) -> dict[str, Any]:
        """Parse one input for the current step: the data with its value.
        DomainError means "ask this step again"."""
        if state.flow != self.name:
            raise DomainError("dialog_outdated")
        if given.step is not None and given.step != state.step:
            raise DomainError("dialog_outdated")
        step = self.step(state.step)
        return {**state.data, step.name: step.parse(given, state.data)}

    def proceed(self, state: DialogState, data: Mapping[str, Any]) -> Progress:
        """Move on given the (possibly enriched) data."""
        following = self.next_step(data)
        if following is None:
            return Progress(replace(state, data=data), finished=True)
        return Progress(replace(state, step=following, data=data), finished=False)

    def advance(self, state: DialogState, given: DialogInput) -> Progress:
        """Apply one input and move on, for flows that look nothing up between steps."""
        return self.proceed(state, self.apply(state, given))


def choice_of(options: Mapping[str, str]) -> ChoiceParser:
    """A parser accepting a tapped choice, or typed text matching an option key or label."""

    def parse(given: DialogInput, _data: Mapping[str, Any]) -> str:
        if given.choice is not None and given.choice in options:
            return given.choice
        typed = (given.text or "").strip().casefold()
        for key, label in options.items():
            if typed and typed in (key.casefold(), label.casefold()):
                return key
        raise DomainError("choose_option")

    return parse
