"""The "Client messages" page of the admin app (issue 19, item 10): the client-loop settings
and every client message's text per language, with validation on save (the problem shown
next to the text, what was typed kept), a preview that saves nothing, and "Reset to default".

Owners change them (each change audited as a setting change by the service); managers read
them. Every request is one unit of work (`WorkDep`); a refused save is discarded. The page
works without JavaScript: Preview, Save and Reset are buttons of one form per text.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import FormData

from bot.admin.client_settings_view import PATH
from bot.admin.client_templates_view import Slot, client_messages_page
from bot.admin.context import RequestWork, WorkDep
from bot.admin.context import admin_context as _context
from bot.admin.html import Safe, notice
from bot.admin.pages import AUTH_CODES, Page, _page, _posted
from core.client_loop.model import OFF_CHANNELS, ClientLoopSettings, MessageKind
from core.client_loop.preview import SAMPLE_AMOUNT_MINOR, preview, sample_values
from core.client_loop.templates import EDITABLE, LANGUAGES, validate
from core.errors import DomainError
from core.permissions import Action as Permission
from core.permissions import allowed
from handlers.errors import describe
from handlers.formatting import money

router = APIRouter(include_in_schema=False)
FLAGS = (
    "reminder_2h", "quiet_hours", "show_prices", "send_photos", "relay_to_assignee",
    "arrived_elsewhere", "approve_total",
)  # fmt: skip


def _text(submitted: FormData, name: str) -> str:
    value = submitted.get(name)
    return value if isinstance(value, str) else ""


def _language(current: Page, asked: str | None) -> str:
    if asked in LANGUAGES:
        return str(asked)
    org = current.actor.organization
    return org.language if org and org.language in LANGUAGES else "en"


async def _render(
    request: Request,
    work: RequestWork,
    current: Page,
    language: str,
    changed: Slot | None = None,
    message: Safe | None = None,
    status: int = 200,
) -> Response:
    services = work.services
    settings = await services.client_loop.settings(current.actor)
    slots = [
        Slot(t, changed.body, changed.problem, changed.preview)
        if changed and changed.kind is t.kind
        else Slot(t, t.body)
        for t in await services.client_loop.templates(current.actor, language)
    ]
    org = current.actor.organization
    assert org is not None
    owner = allowed(current.actor.role, Permission.ORG_SETTINGS)
    html = client_messages_page(
        current.t, org.name, current.csrf, settings, slots, language, owner, message
    )
    return HTMLResponse(html, status_code=status)


@router.get(PATH)
async def client_messages(request: Request, work: WorkDep, lang: str | None = None) -> Response:
    current = await _page(request, work.services)
    language = _language(current, lang)
    saved = request.query_params.get("saved")
    message = notice(current.t("Saved.")) if saved else None
    return await _render(request, work, current, language, message=message)


def _settings_from(submitted: FormData, old: ClientLoopSettings) -> ClientLoopSettings:
    # The 2-hour reminder is on or off by its own checkbox; kinds the page does not show keep
    # their state.
    shown = [k for k in EDITABLE if k is not MessageKind.REMINDER_2H]
    disabled: frozenset[MessageKind] = frozenset(
        k for k in shown if submitted.get(f"send_{k.value}") != "1"
    )
    disabled |= old.disabled - set(EDITABLE)
    off = frozenset(
        (kind, channel)
        for kind in EDITABLE
        for channel in OFF_CHANNELS
        if submitted.get(f"{channel.value}_{kind.value}") != "1"
    )
    delay = _text(submitted, "rating_delay_minutes").strip()
    if not delay.isdigit() or len(delay) > 6:
        raise DomainError("rating_delay_range", limit=7 * 24 * 60)
    known = set(old.__dataclass_fields__)  # the ETA fields come with "on my way" (0020)
    values: dict[str, Any] = {
        "disabled": disabled,
        "channels_off": off | {p for p in old.channels_off if p[0] not in EDITABLE},
        "reminder_at": _text(submitted, "reminder_at").strip(),
        "rating_delay_minutes": int(delay),
        **{flag: submitted.get(flag) == "1" for flag in FLAGS if flag in known},
    }
    if "eta_detour" in known:
        speed = _text(submitted, "eta_speed_kmh").strip()
        detour = _text(submitted, "eta_detour").strip().replace(",", ".")
        try:
            values["eta_detour"] = float(detour)
        except ValueError:
            values["eta_detour"] = float("nan")  # refused by the service's range check
        values["eta_speed_kmh"] = int(speed) if speed.isdigit() and len(speed) < 6 else -1
    return replace(old, **values)


@router.post(f"{PATH}/settings")
async def post_client_loop_settings(request: Request, work: WorkDep) -> Response:
    current, submitted = await _posted(request, work.services)
    language = _language(current, _text(submitted, "language"))
    try:
        old = await work.services.client_loop.settings(current.actor)
        await work.services.client_loop.update_settings(
            current.actor, _settings_from(submitted, old)
        )
    except DomainError as error:
        if error.code in AUTH_CODES:
            raise
        await work.discard()
        message = notice(describe(current.t.translator, error), "error")
        return await _render(request, work, current, language, message=message, status=422)
    return RedirectResponse(f"{PATH}?lang={language}&saved=1", status_code=303)


def _kind(submitted: FormData) -> MessageKind:
    try:
        kind = MessageKind(_text(submitted, "kind"))
    except ValueError:
        raise DomainError("choose_option") from None
    if kind not in EDITABLE:
        raise DomainError("choose_option")
    return kind


@router.post(f"{PATH}/template")
async def post_client_template(request: Request, work: WorkDep) -> Response:
    services = work.services
    current, submitted = await _posted(request, services)
    kind, language = _kind(submitted), _text(submitted, "language")
    if language not in LANGUAGES:
        raise DomainError("choose_option")
    body = _text(submitted, "body").replace("\r\n", "\n")
    action = _text(submitted, "action")
    back = RedirectResponse(f"{PATH}?lang={language}&saved={kind.value}#{kind.value}", 303)
    if action in ("save", "reset") and not allowed(current.actor.role, Permission.ORG_SETTINGS):
        raise DomainError("forbidden")
    if action == "reset":
        await services.client_loop.reset_template(current.actor, kind, language)
        return back
    problems = validate(kind, body)
    if problems:
        described = describe(current.t.translator, problems[0].error())
        slot = Slot.typed(kind, body, problem=described)
        return await _render(request, work, current, language, slot, status=422)
    if action == "save":
        try:
            await services.client_loop.set_template(current.actor, kind, language, body)
        except DomainError as error:
            if error.code in AUTH_CODES:
                raise
            await work.discard()
            slot = Slot.typed(kind, body, problem=describe(current.t.translator, error))
            return await _render(request, work, current, language, slot, status=422)
        return back
    org = current.actor.organization
    assert org is not None
    amount = money(_context(request).translator(language), SAMPLE_AMOUNT_MINOR, org.currency)
    values = sample_values(
        language, org.name, org.timezone, services.clock.now(), services.admin.public_url, amount
    )
    slot = Slot.typed(kind, body, preview=preview(kind, body, values))
    return await _render(request, work, current, language, slot)
