"""A small declarative engine for multi-step conversations whose state lives in the database.

A `Flow` is an ordered list of `Step`s over its own typed data (a `DialogData` subclass, one
per flow, in `core.dialogs.data`). Each step parses one input (typed text, a tapped choice, a
shared contact or location) into the value of the data's field named like the step, or raises
`DomainError` to ask again. Services load the `DialogState` inside their unit of work, call
`advance`, and either save the new state or, when the flow is finished, perform the use case
and clear it in the same transaction, so a restart or a second process can never lose or fork
a half-made flow.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import ClassVar, Generic, Self, TypeVar

from core.dialogs.json_form import Malformed, conforms, hints
from core.errors import DomainError

T = TypeVar("T")


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
    # A photo sent in the chat, already kept as a file of the order the conversation is about:
    # its attachment id (the checklist's photo question, `core.checklists.flow`).
    photo: int | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class DialogData:
    """The answers of one conversation and what was looked up between its steps. A field
    left None is not answered yet, unless its name is in `blank`: answered with nothing (a
    skipped step), which JSON keeps as null."""

    flow: ClassVar[str] = ""
    blank: frozenset[str] = frozenset()

    def has(self, name: str) -> bool:
        return getattr(self, name) is not None or name in self.blank

    def answer(self, name: str, value: object) -> Self:
        """The data with `value` in field `name`; a value of another type is a bug."""
        kind = hints(type(self)).get(name)
        if kind is None or name == "blank" or not conforms(kind, value):
            raise Malformed(f"{type(self).__name__}.{name}: not a {type(value).__name__}")
        blank = self.blank | {name} if value is None else self.blank - {name}
        return replace(self, **{name: value}, blank=blank)

    def forget(self, *names: str) -> Self:
        """The data without these answers, so that their steps are asked again."""
        cleared: dict[str, None] = dict.fromkeys(names)
        return replace(self, **cleared, blank=self.blank - set(names))


def required(value: T | None) -> T:
    """A value the flow has by this step; missing, the conversation is out of step."""
    if value is None:
        raise DomainError("dialog_outdated")
    return value


@dataclass(frozen=True, slots=True)
class DialogState:
    step: str
    data: DialogData
    version: int = 0

    @property
    def flow(self) -> str:
        return self.data.flow


D = TypeVar("D", bound=DialogData)
D_contra = TypeVar("D_contra", bound=DialogData, contravariant=True)


def data_as(state: DialogState, kind: type[D]) -> D:
    """The state's data as its flow's own type, for what shows a step of that flow."""
    if not isinstance(state.data, kind):
        raise DomainError("dialog_outdated")
    return state.data


ChoiceParser = Callable[[DialogInput, DialogData], str]


@dataclass(frozen=True, slots=True)
class Step(Generic[D_contra]):
    name: str
    parse: Callable[[DialogInput, D_contra], object]
    skip: Callable[[D_contra], bool] | None = None


@dataclass(frozen=True, slots=True)
class Progress:
    """The result of one input: the state to keep, and whether every step now has a value."""

    state: DialogState
    finished: bool


@dataclass(frozen=True, slots=True)
class Flow(Generic[D]):
    kind: type[D]
    steps: tuple[Step[D], ...]

    @property
    def name(self) -> str:
        return self.kind.flow

    def data_of(self, data: DialogData) -> D:
        """The flow's own data; another flow's means the conversation moved on."""
        if not isinstance(data, self.kind):
            raise DomainError("dialog_outdated")
        return data

    def start(self, data: D | None = None) -> DialogState:
        """Begin at the first step that applies and is not answered by `data` already."""
        initial = self.kind() if data is None else data
        first = self.next_step(initial)
        if first is None:
            raise ValueError(f"flow {self.name} has no applicable step")
        return DialogState(first, initial)

    first = start

    def step(self, name: str) -> Step[D]:
        for step in self.steps:
            if step.name == name:
                return step
        raise DomainError("dialog_outdated")

    def has_step(self, name: str) -> bool:
        return any(step.name == name for step in self.steps)

    def next_step(self, data: D) -> str | None:
        """A flow is a form: ask the first step that applies and has no answer yet. Removing
        answers (to correct them) therefore asks those steps again, nothing else."""
        for step in self.steps:
            if not data.has(step.name) and (step.skip is None or not step.skip(data)):
                return step.name
        return None

    def apply(self, state: DialogState, given: DialogInput) -> D:
        """Parse one input for the current step: the data with its value.
        DomainError means "ask this step again"."""
        if state.flow != self.name:
            raise DomainError("dialog_outdated")
        if given.step is not None and given.step != state.step:
            raise DomainError("dialog_outdated")
        step = self.step(state.step)
        data = self.data_of(state.data)
        return data.answer(step.name, step.parse(given, data))

    def proceed(self, state: DialogState, data: D) -> Progress:
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

    def parse(given: DialogInput, _data: DialogData) -> str:
        if given.choice is not None and given.choice in options:
            return given.choice
        typed = (given.text or "").strip().casefold()
        for key, label in options.items():
            if typed and typed in (key.casefold(), label.casefold()):
                return key
        raise DomainError("choose_option")

    return parse
