"""The callback-data codec: every action round-trips within 64 bytes, the wire format of
buttons already in chats still reads the same, and anything else decodes to None."""

import enum
from dataclasses import fields
from typing import Annotated, Literal, get_args, get_origin, get_type_hints

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.clients.flows import CLIENT_EDIT_FLOW, CLIENT_MERGE_FLOW, NEW_CLIENT_FLOW
from core.domain import Role
from core.notifications.rules import Kind, Preferences, change
from core.orders.flows import EDIT_FLOW, PAYMENT_FLOW, RESCHEDULE_FLOW
from core.orders.listing import ListKind
from core.orders.new_order_flow import NEW_ORDER_FLOW
from core.orders.rules import OrderAction
from core.team.onboarding import LANGUAGE_LABELS, NEW_ORG_FLOW, ONBOARDING_FLOW
from handlers import callbacks as cb
from handlers.callbacks.codec import FreeText, UpTo
from handlers.callbacks.routes import Router, route
from handlers.setup import CALLBACKS
from handlers.telephony.commands import FILTERS

INT64 = 2**63 - 1
FLOWS = (
    ONBOARDING_FLOW,
    NEW_ORG_FLOW,
    NEW_ORDER_FLOW,
    NEW_CLIENT_FLOW,
    CLIENT_EDIT_FLOW,
    CLIENT_MERGE_FLOW,
    PAYMENT_FLOW,
    RESCHEDULE_FLOW,
    EDIT_FLOW,
)
PRINTABLE = st.characters(exclude_categories=("C", "Z"), include_characters=" ")


def _strategy(hint):
    """Values of a field's declared type, written here from the types, not from the codec."""
    if hint is int:
        return st.integers(0, INT64)
    if hint is str:
        return st.from_regex(r"[a-z][a-z0-9_]{0,31}", fullmatch=True)
    if get_origin(hint) is Annotated:
        base, *marks = get_args(hint)
        if base is str and FreeText in marks:
            return st.text(PRINTABLE, min_size=1, max_size=40)
        (bound,) = [m for m in marks if isinstance(m, UpTo)]
        return st.integers(0, bound.limit)
    if get_origin(hint) is Literal:
        return st.sampled_from(get_args(hint))
    assert issubclass(hint, enum.Enum), hint
    return st.sampled_from(list(hint))


def _hints(kind):
    hints = get_type_hints(kind, include_extras=True)
    return {f.name: hints[f.name] for f in fields(kind)}


def _has_text(kind) -> bool:
    hints = _hints(kind).values()
    return any(get_origin(h) is Annotated and FreeText in get_args(h) for h in hints)


ACTIONS = st.sampled_from(cb.kinds()).flatmap(
    lambda kind: st.builds(kind, **{name: _strategy(h) for name, h in _hints(kind).items()})
)


@settings(deadline=None)  # no wall clock: a loaded machine must not fail it
@given(ACTIONS)
def test_every_action_round_trips(action):
    try:
        data = cb.encode(action)
    except ValueError:
        assert _has_text(type(action)), action  # only free text can be too long
        return
    assert len(data.encode()) <= cb.LIMIT
    decoded = cb.decode(data)
    assert decoded == action and type(decoded) is type(action)
    for name in _hints(type(action)):
        assert type(getattr(decoded, name)) is type(getattr(action, name))
    assert cb.encode(decoded) == data


@settings(deadline=None)
@given(st.text(max_size=70))
def test_whatever_decodes_is_written_back_the_same(data):
    decoded = cb.decode(data)
    if decoded is not None:
        assert cb.encode(decoded) == data


@pytest.mark.parametrize("kind", [k for k in cb.kinds() if not _has_text(k)], ids=repr)
def test_the_largest_values_fit_in_64_bytes(kind):
    def largest(hint):
        if hint is int:
            return INT64
        if get_origin(hint) is Annotated:
            return next(m.limit for m in get_args(hint) if isinstance(m, UpTo))
        choices = get_args(hint) if get_origin(hint) is Literal else tuple(hint)
        return max(choices, key=lambda c: len(str(c.value if isinstance(c, enum.Enum) else c)))

    action = kind(**{name: largest(h) for name, h in _hints(kind).items()})
    assert cb.decode(cb.encode(action)) == action


@pytest.mark.parametrize("flow", FLOWS, ids=lambda f: f.name)
def test_every_dialog_step_fits_with_an_int64_or_the_longest_keyword(flow):
    for step in flow.steps:
        for value in (str(INT64), "edit:description", "2024-12-31"):
            action = cb.DialogChoice(flow.name, step.name, value)
            assert cb.decode(cb.encode(action)) == action


def test_a_search_too_long_for_a_button_is_refused_not_truncated():
    fits = cb.ClientSearch(100_000, "Иванов" * 4)
    assert cb.decode(cb.encode(fits)) == fits
    with pytest.raises(ValueError, match="64 bytes"):
        cb.encode(cb.ClientSearch(0, "Иванов" * 6))


@pytest.mark.parametrize(
    "action",
    [
        cb.OpenOrder(-1),
        cb.OpenOrder(INT64 + 1),
        cb.OpenOrder(True),
        cb.OrderList(ListKind.OPEN, 100_001),
        cb.OrderTap(1, "pay"),
        cb.Marketing(True),
        cb.DialogChoice("New_order", "time", "1"),
        cb.DialogChoice("new_order", "time", ""),
        cb.DialogChoice("new_order", "time", "a\nb"),
        cb.ClientSearch(0, "a\u200bb"),
    ],
    ids=repr,
)
def test_values_outside_a_fields_type_are_refused(action):
    with pytest.raises(ValueError):
        cb.encode(action)


@pytest.mark.parametrize(
    ("data", "action"),
    [
        ("d:new_order:time:14:30", cb.DialogChoice("new_order", "time", "14:30")),
        ("d:new_order:confirm:edit:price", cb.DialogChoice("new_order", "confirm", "edit:price")),
        ("o:12", cb.OpenOrder(12)),
        ("oa:12:take", cb.OrderTap(12, OrderAction.TAKE)),
        ("oa:12:cancel!", cb.OrderTapSure(12, OrderAction.CANCEL)),
        ("oa:12:start!", cb.OrderTapSure(12, OrderAction.START)),
        ("ow:12", cb.OrderWorkers(12)),
        ("oas:12:922", cb.AssignOrder(12, 922)),
        ("of:12:reschedule", cb.OrderFlow(12, OrderAction.RESCHEDULE)),
        ("oh:12", cb.OrderHistory(12)),
        ("ofi:12", cb.OrderFiles(12)),
        ("ol:unassigned:2", cb.OrderList(ListKind.UNASSIGNED, 2)),
        ("dl:unassigned", cb.DigestUnassigned()),
        ("c:7", cb.OpenClient(7)),
        ("cf:1:Иванов 916", cb.ClientSearch(1, "Иванов 916")),
        ("ce:7:phone", cb.ClientEdit(7, "phone")),
        ("cm:7", cb.ClientMerge(7)),
        ("cn:7", cb.ClientNewOrder(7)),
        ("va:3", cb.VoiceApply(3)),
        ("vd:3", cb.VoiceDismiss(3)),
        ("cl:missed", cb.CallsFilter("missed")),
        ("clb:4", cb.CallBack(4)),
        ("clo:4", cb.CallOrder(4)),
        ("cln:4", cb.CallNewClient(4)),
        ("cla:4", cb.CallAttach(4)),
        ("clp:4:12", cb.CallAttachPick(4, 12)),
        ("tl:rec:yes", cb.Recording("yes")),
        ("tl:tr:off", cb.Transcripts("off")),
        ("tm:5", cb.MemberCard(5)),
        ("tm:5:role:manager", cb.MemberRole(5, Role.MANAGER)),
        ("tm:5:off", cb.MemberAccess(5, "off")),
        ("inv:worker", cb.InviteRole(Role.WORKER)),
        ("inv:rv:9", cb.InviteRevoke(9)),
        ("org:2", cb.SwitchOrg(2)),
        ("lang:ru", cb.Language("ru")),
        ("ps:0", cb.PhotosRule(0)),
        ("gs:72", cb.GraceRule(72)),
        ("np:overdue", cb.NotifyKind(Kind.OVERDUE)),
        ("np:reminder_min", cb.NotifySetting("reminder_min")),
        ("pv:mk:0", cb.Marketing(0)),
        ("pv:rt:0", cb.RetentionAsk(0)),
        ("pv:rc:365", cb.RetentionSet(365)),
        ("pv:rx:0", cb.RetentionKeep()),
        ("pv:ro:2", cb.RestoreOrg(2)),
        ("pv:au:1", cb.AuditPage(1)),
        ("er:fc:7", cb.EraseAsk(7)),
        ("er:fcy:7", cb.EraseClient(7)),
        ("er:org", cb.EraseConfirm("org")),
    ],
)
def test_buttons_already_in_chats_read_as_before(data, action):
    assert cb.decode(data) == action
    assert cb.encode(action) == data


FORGED = [
    "",
    ":",
    "o",
    "o:",
    "o:abc",
    "o:-1",
    "o:+1",
    "o:007",
    "o: 1",
    "o:1 ",
    "o:1\n",
    "o:1:2",
    "o:1.0",
    "o:1e3",
    "o:١٢",  # Arabic-Indic digits: int() would read them
    "o:１２",  # fullwidth digits
    "o:9223372036854775808",
    "o:" + "9" * 60,
    "oa:12",
    "oa:12:pay",  # a sub-action the tap does not take
    "oa:12:TAKE",
    "oa:12:take!",
    "oa:12:cancel!!",
    "oa:12:take:extra",
    "oas:12",
    "ol:bogus:0",
    "ol:open:100001",
    "tm:5:role",
    "tm:5:role:king",
    "tm:5:maybe",
    "inv:owner",
    "inv:rv:",
    "lang:de",
    "np:bogus",
    "pv:mk:2",
    "pv:rx:1",
    "pv:zz:1",
    "tl:tr:yes",
    "tl:rec",
    "er:fc",
    "er:maybe",
    "cl:bogus",
    "ce:7:bogus",
    "cm:7:x",
    "cf:1:",
    "cf:x:Иванов",
    "cf:1:Ива\u200bнов",  # a zero-width space
    "cf:1:Ива\u202eнов",  # right-to-left override
    "cf:1:a\u0000b",
    "d:onboarding",
    "d:onboarding:language",
    "d:onboarding:language:",
    "d:Onboarding:language:ru",
    "d:onboarding:language:r\tu",
    "dl:assigned",
    "dl:unassigned:1",
    "unknown:1",
    "о:12",  # a Cyrillic 'о'
    "o:\ud800",  # a lone surrogate
    "o:1" + "\u0301",  # a combining accent
    "d:new_order:time:" + "1" * 60,  # over 64 bytes
]


@pytest.mark.parametrize("data", FORGED, ids=repr)
def test_forged_or_mangled_data_decodes_to_nothing(data):
    assert cb.decode(data) is None


def test_non_strings_decode_to_nothing():
    assert cb.decode(None) is None
    assert cb.decode(12) is None
    assert cb.decode(b"o:12") is None


def test_every_action_has_exactly_one_route_and_one_template():
    kinds = [r.kind for r in CALLBACKS]
    assert sorted(k.__name__ for k in kinds) == sorted(k.__name__ for k in cb.kinds())
    assert len(set(kinds)) == len(kinds)
    templates = [k.TEMPLATE for k in cb.kinds()]
    assert len(set(templates)) == len(templates)


def test_a_router_refuses_to_start_with_an_action_left_out():
    async def stale(update, ctx):
        return None

    with pytest.raises(ValueError, match="OpenOrder"):
        Router([r for r in CALLBACKS if r.kind is not cb.OpenOrder], stale)
    Router([*CALLBACKS, route(cb.OpenOrder, CALLBACKS[1].handler)], stale)


def test_choices_match_what_the_handlers_and_core_accept():
    assert set(get_args(cb.LanguageCode)) == set(cb.LANGUAGES) == set(LANGUAGE_LABELS)
    assert set(get_args(cb.CallFilter)) == set(FILTERS)
    for what in [*Kind, *get_args(cb.Setting)]:  # every one changes something, none refused
        assert change(Preferences(), what) != Preferences()
