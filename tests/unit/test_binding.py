"""Services bound to an update's unit of work are bound when first used, each alone, and the
copies stay consistent: a service held by another is the bound copy used directly."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

from core.clock import FixedClock
from core.runtime.binding import Binder
from tests.support import services_for


def _unused_factory():  # the services are built, never run, here
    raise AssertionError("no unit of work is opened in these tests")


def _services():
    return services_for(_unused_factory, FixedClock(datetime(2026, 3, 2, 9, 0, tzinfo=UTC)))


def test_a_service_is_copied_only_when_it_is_first_used():
    services = _services()
    binder = Binder(services)
    marker = object()
    bound = binder.bind(lambda: marker)  # type: ignore[arg-type, return-value]
    memo = bound._memo  # type: ignore[attr-defined]
    assert memo == {}, "nothing is copied for an update that uses no service"
    users = bound.users
    assert users is not services.users and users._uow() is marker
    assert set(memo) == {id(services.users)}, "binding users copied nothing else"
    assert bound.users is users, "bound once per update"


def test_held_services_are_the_bound_copies_whichever_is_used_first():
    services = _services()
    for first in ("voice", "orders"):
        bound = Binder(services).bind(lambda: None)  # type: ignore[arg-type, return-value]
        getattr(bound, first)
        assert bound.voice._orders is bound.orders
        assert bound.orders is not services.orders
        assert services.orders._uow is _unused_factory, "the originals are left as they were"


def test_every_field_reads_as_bound_or_shared():
    services = _services()
    bound = Binder(services).bind_all(lambda: None)  # type: ignore[arg-type, return-value]
    assert bound.updates is services.updates, "the ledger is shared by every update"
    assert bound.clock is services.clock
    for field in dataclasses.fields(services):
        value = getattr(bound, field.name)
        original = getattr(services, field.name)
        assert type(value) is type(original)
        assert (value is original) == (field.name in ("clock", "updates")), field.name
