"""Every flow's prompts in one registry, so rendering a step needs no knowledge of the flow;
and the echo of a tapped choice ("Category: Cleaning ✓") that stays in the chat as a record."""

from __future__ import annotations

from core.dialogs.engine import DialogState
from handlers.availability import AVAILABILITY_PROMPTS
from handlers.checklist_prompts import DEFINE_PROMPTS
from handlers.client_loop.refunds import REFUND_PROMPTS
from handlers.client_loop.staff_message import RELAY_PROMPTS
from handlers.clients.prompts import CLIENT_PROMPTS
from handlers.companies.prompts import COMPANY_PROMPTS
from handlers.i18n import NP_, Translator
from handlers.orders.checklist_prompts import CHECKLIST_PROMPTS
from handlers.orders.edit_prompts import EDIT_PROMPTS
from handlers.orders.line_prompts import LINE_PROMPTS
from handlers.orders.prompts import ORDER_PROMPTS
from handlers.profile import PROFILE_PROMPTS
from handlers.prompts import PROMPTS, PromptEnv, Rendered, Renderer
from handlers.quotes.prompts import QUOTE_PROMPTS
from handlers.recurring.prompts import SERIES_PROMPTS
from handlers.recurring.prompts import STEP_NAMES as SERIES_STEPS

ALL_PROMPTS: dict[tuple[str, str], Renderer] = {
    **PROMPTS,
    **ORDER_PROMPTS,
    **EDIT_PROMPTS,
    **CLIENT_PROMPTS,
    **COMPANY_PROMPTS,
    **RELAY_PROMPTS,
    **LINE_PROMPTS,
    **CHECKLIST_PROMPTS,
    **DEFINE_PROMPTS,
    **SERIES_PROMPTS,
    **REFUND_PROMPTS,
    **AVAILABILITY_PROMPTS,
    **QUOTE_PROMPTS,
    **PROFILE_PROMPTS,
}

# What a step decides, named for the echo of the choice; a step not named here echoes the
# label alone (a yes/no question, the confirmation card).
STEP_NAMES: dict[tuple[str, str], tuple[str, str]] = {
    ("onboarding", "language"): NP_("dialog step", "Language"),
    ("onboarding", "consent"): NP_("dialog step", "Privacy policy"),
    ("new_org", "timezone"): NP_("dialog step", "Time zone"),
    ("new_org", "currency"): NP_("dialog step", "Currency"),
    ("new_order", "client_pick"): NP_("dialog step", "Client"),
    ("new_order", "client_phone"): NP_("dialog step", "Phone"),
    ("new_order", "address"): NP_("dialog step", "Address"),
    ("new_order", "address_pick"): NP_("dialog step", "Address"),
    ("new_order", "category"): NP_("dialog step", "Category"),
    ("new_order", "when"): NP_("dialog step", "Day"),
    ("new_order", "time"): NP_("dialog step", "Time"),
    ("new_order", "price"): NP_("dialog step", "Price"),
    ("new_order", "description"): NP_("dialog step", "Description"),
    ("new_order", "assignee"): NP_("dialog step", "Worker"),
    ("payment", "amount"): NP_("dialog step", "Amount"),
    ("payment", "method"): NP_("dialog step", "Paid by"),
    ("refund", "amount"): NP_("dialog step", "Refund"),
    ("reschedule", "when"): NP_("dialog step", "Day"),
    ("reschedule", "time"): NP_("dialog step", "Time"),
    ("order_edit", "field"): NP_("dialog step", "Change"),
    ("order_edit", "address"): NP_("dialog step", "Address"),
    ("order_edit", "category"): NP_("dialog step", "Category"),
    ("order_edit", "when"): NP_("dialog step", "Day"),
    ("order_edit", "time"): NP_("dialog step", "Time"),
    ("order_edit", "description"): NP_("dialog step", "Description"),
    ("new_client", "phone"): NP_("dialog step", "Phone"),
    ("new_client", "address"): NP_("dialog step", "Address"),
    ("client_merge", "pick"): NP_("dialog step", "Duplicate"),
    ("quote", "client_pick"): NP_("dialog step", "Client"),
    ("quote", "line"): NP_("dialog step", "Line"),
    ("quote", "valid"): NP_("dialog step", "Valid until"),
    **SERIES_STEPS,
}


def render_prompt(t: Translator, state: DialogState, env: PromptEnv) -> Rendered:
    return ALL_PROMPTS[(state.flow, state.step)](t, state, env)


def echo(t: Translator, flow: str, step: str, label: str) -> str:
    """The line added under a prompt once a button of it was tapped (HTML, label escaped)."""
    name = STEP_NAMES.get((flow, step))
    if name is None:
        return t("<b>{choice}</b> ✓", choice=label)
    return t("{step}: <b>{choice}</b> ✓", step=t.pt(*name), choice=label)
