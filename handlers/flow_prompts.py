"""Every flow's prompts in one registry, so rendering a step needs no knowledge of the flow."""

from __future__ import annotations

from core.dialogs import DialogState
from handlers.client_prompts import CLIENT_PROMPTS
from handlers.i18n import Translator
from handlers.order_prompts import ORDER_PROMPTS
from handlers.prompts import PROMPTS, PromptEnv, Rendered, Renderer

ALL_PROMPTS: dict[tuple[str, str], Renderer] = {**PROMPTS, **ORDER_PROMPTS, **CLIENT_PROMPTS}


def render_prompt(t: Translator, state: DialogState, env: PromptEnv) -> Rendered:
    return ALL_PROMPTS[(state.flow, state.step)](t, state, env)
