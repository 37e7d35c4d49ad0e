"""The NER adapter: natasha's models from the package, no network, loaded once, off the loop."""

import asyncio
import socket
import threading

import pytest

from integrations.entities import LocalEntityFinder, load_natasha


@pytest.fixture
def no_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("the network was touched")

    for name in ("connect", "connect_ex", "sendto"):
        monkeypatch.setattr(socket.socket, name, refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)


def test_natasha_loads_from_the_package_without_the_network(no_network):
    tag = load_natasha()
    text = "Звонила Мария Петровна из Подольска, её сын Никита сломал ручку окна."
    assert [(text[s:e], kind) for s, e, kind in tag(text)] == [
        ("Мария Петровна", "PER"),
        ("Подольска", "LOC"),
        ("Никита", "PER"),
    ]


async def test_find_runs_in_a_worker_thread_and_loads_once():
    loads, threads = [], []

    def loader():
        loads.append(1)

        def tag(text):
            threads.append(threading.get_ident())
            return [(0, 4, "PER"), (5, 10, "ORG")]

        return tag

    finder = LocalEntityFinder(loader)
    text = "Анна Сбера позвонит"
    results = await asyncio.gather(*(finder.find(text) for _ in range(5)))
    assert loads == [1]
    assert all(r == [(0, 4, "PERSON")] for r in results)  # organisations are not hidden
    assert threading.get_ident() not in threads


def test_warm_up_loads_in_a_daemon_thread():
    loaded = threading.Event()

    def loader():
        loaded.set()
        return lambda text: []

    finder = LocalEntityFinder(loader)
    thread = finder.warm_up()
    thread.join(5)
    assert loaded.is_set() and thread.daemon and thread is not threading.current_thread()
    assert finder.find_now("Текст") == []


async def test_latin_text_needs_no_model_but_gets_international_phones():
    def loader():
        raise AssertionError("loaded for English text")

    finder = LocalEntityFinder(loader)
    text = "Call Emily on +44 7911 123456 please"
    assert [text[e.start : e.end] for e in await finder.find(text)] == ["+44 7911 123456"]
    assert await finder.find("   ") == []
