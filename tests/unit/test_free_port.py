"""Picking a port for the admin endpoint (bot/admin/server.py): outside the kernel's ephemeral
range, where an outgoing connection could take it between the pick and the bind."""

from __future__ import annotations

import socket

from bot.admin import server
from bot.admin.server import free_port


def test_the_port_is_below_the_ephemeral_range_and_free():
    low = server._ephemeral_low()
    for _ in range(20):
        port = free_port("127.0.0.1")
        assert low <= 10_001 or 10_000 <= port < low
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", port))


def test_a_taken_port_is_not_picked(monkeypatch):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        busy = taken.getsockname()[1]
        # The third pick is 0 ("any free port", given by the kernel): a neighbour of the
        # taken port may be taken too by another test running beside this one.
        picks = iter([busy, busy, 0])
        calls = []

        def pick(a, b):
            calls.append((a, b))
            return next(picks)

        monkeypatch.setattr(server.random, "randrange", pick)
        monkeypatch.setattr(server, "_ephemeral_low", lambda: 60_000)
        port = free_port("127.0.0.1")
        assert port != busy and port > 0
        assert calls == [(10_000, 60_000)] * 3


def test_without_the_kernel_range_any_free_port(monkeypatch, tmp_path):
    monkeypatch.setattr(server, "EPHEMERAL_PORTS", tmp_path / "absent")
    assert server._ephemeral_low() == 0
    assert 0 < free_port("127.0.0.1") < 65536
