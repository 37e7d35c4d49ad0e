"""HttpOpenRouter against the local OpenRouter fake over real HTTP."""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator

import httpx
import pytest

from core.deid import deidentify, restore
from core.errors import ExternalServiceError
from core.ports import ChatModel
from integrations.openrouter import HttpOpenRouter, OpenRouterError
from tests.fakes.openrouter import FakeOpenRouter

KEY = "sk-or-v1-test-key"


@pytest.fixture
async def router() -> AsyncIterator[FakeOpenRouter]:
    async with FakeOpenRouter(api_key=KEY) as fake:
        yield fake


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient() as client:
        yield client


@pytest.fixture
def model(client, router) -> ChatModel:
    return HttpOpenRouter(client, KEY, base_url=router.base_url, timeout=1.0)


async def test_json_mode_request_and_answer(model, router):
    router.answer = '{"intent": "new_order", "time": "10:30"}'
    answer = await model.complete("You extract orders.", "Заказ на завтра 10:30")
    assert json.loads(answer) == {"intent": "new_order", "time": "10:30"}
    (request,) = router.requests
    assert request.path == "/api/v1/chat/completions"
    assert request.headers["authorization"] == f"Bearer {KEY}"
    assert request.headers["x-title"] == "AstraCRM"
    assert "http-referer" not in request.headers
    body = request.json()
    assert body["model"] == "openai/gpt-4o-mini"
    assert body["messages"] == [
        {"role": "system", "content": "You extract orders."},
        {"role": "user", "content": "Заказ на завтра 10:30"},
    ]
    assert body["response_format"] == {"type": "json_object"}
    assert body["temperature"] <= 0.3
    assert body["stream"] is False


async def test_plain_text_mode_and_options(client, router):
    model = HttpOpenRouter(
        client,
        KEY,
        model="anthropic/claude-3.5-haiku",
        base_url=router.base_url + "/",
        app_title="Test",
        referer="https://example.com",
        max_tokens=200,
    )
    router.answer = lambda body: "echo: " + body["messages"][-1]["content"]
    assert await model.complete("s", "hello", json_mode=False) == "echo: hello"
    body, headers = router.bodies[0], router.requests[0].headers
    assert "response_format" not in body
    assert (body["model"], body["max_tokens"]) == ("anthropic/claude-3.5-haiku", 200)
    assert (headers["x-title"], headers["http-referer"]) == ("Test", "https://example.com")


async def test_only_de_identified_text_leaves_the_process(model, router):
    text = "Ивану Петрову, +7 916 123-45-67, ivan@mail.ru: кран течёт, 3 500 руб"
    redacted = deidentify(text, known_names=["Иван Петров"])
    router.answer = lambda body: '{"who": "[PERSON_1]", "phone": "[PHONE_1]"}'
    answer = await model.complete("Extract.", redacted.text)
    sent = router.requests[0].body.decode()
    for secret in ("Иван", "Петров", "916", "ivan@mail.ru"):
        assert secret not in json.loads(sent)["messages"][1]["content"]
    assert "3 500 руб" in sent
    restored = json.loads(restore(answer, redacted.mapping))
    assert restored == {"who": "Ивану Петрову", "phone": "+7 916 123-45-67"}


@pytest.mark.parametrize(
    ("status", "retryable"),
    [
        (400, False),
        (401, False),
        (402, False),
        (403, False),
        (408, True),
        (429, True),
        (502, True),
        (503, True),
    ],
)
async def test_error_table(model, router, status, retryable):
    router.fail(status)
    with pytest.raises(OpenRouterError) as raised:
        await model.complete("s", "u")
    error = raised.value
    assert isinstance(error, ExternalServiceError)
    assert (error.service, error.status, error.retryable) == ("openrouter", status, retryable)
    assert error.reason == f"HTTP {status}, code {status}"


async def test_a_wrong_key_is_refused_and_not_retryable(client, router):
    model = HttpOpenRouter(client, "sk-or-v1-wrong", base_url=router.base_url)
    with pytest.raises(OpenRouterError) as raised:
        await model.complete("s", "u")
    assert (raised.value.status, raised.value.retryable) == (401, False)


@pytest.mark.parametrize(("header", "seconds"), [("7", 7.0), ("1.5", 1.5), ("soon", None)])
async def test_retry_after_is_exposed(model, router, header, seconds):
    router.fail(429, retry_after=header)
    with pytest.raises(OpenRouterError) as raised:
        await model.complete("s", "u")
    assert raised.value.retry_after == seconds


async def test_retry_after_as_an_http_date(model, router):
    router.fail(503, retry_after="Wed, 21 Oct 2015 07:28:00 GMT")  # in the past
    with pytest.raises(OpenRouterError) as raised:
        await model.complete("s", "u")
    assert (raised.value.retry_after, raised.value.retryable) == (0.0, True)


async def test_a_failure_then_success(model, router):
    router.fail(503, times=2)
    for _ in range(2):
        with pytest.raises(OpenRouterError):
            await model.complete("s", "u")
    assert await model.complete("s", "u") == '{"ok": true}'


@pytest.mark.parametrize(("code", "retryable"), [(502, True), (400, False)])
async def test_an_error_inside_a_200_choice(model, router, code, retryable):
    router.error_in_choice = code
    with pytest.raises(OpenRouterError) as raised:
        await model.complete("s", "u")
    assert (raised.value.status, raised.value.retryable) == (200, retryable)
    assert f"code {code}" in raised.value.reason


async def test_an_error_after_generation_began(model, router):
    router.error_after_start = 502
    with pytest.raises(OpenRouterError) as raised:
        await model.complete("s", "u")
    assert raised.value.retryable


@pytest.mark.parametrize("answer", ["", "   "])
async def test_an_empty_answer_is_an_error(model, router, answer):
    router.answer = answer
    with pytest.raises(OpenRouterError) as raised:
        await model.complete("s", "u")
    assert "empty answer" in raised.value.reason


async def test_a_malformed_body_is_retryable(model, router):
    router.malformed = True
    with pytest.raises(OpenRouterError) as raised:
        await model.complete("s", "u")
    assert raised.value.retryable


async def test_timeouts_and_refused_connections_are_retryable(client, router):
    router.delay = 5
    model = HttpOpenRouter(client, KEY, base_url=router.base_url, timeout=0.2)
    with pytest.raises(OpenRouterError) as raised:
        await model.complete("s", "u")
    assert (raised.value.reason, raised.value.retryable) == ("timeout", True)
    model = HttpOpenRouter(client, KEY, base_url="http://127.0.0.1:9/api/v1")
    with pytest.raises(OpenRouterError) as raised:
        await model.complete("s", "u")
    assert raised.value.retryable


async def test_logs_hold_no_prompt_answer_or_key(model, router, caplog):
    caplog.set_level(logging.DEBUG)
    router.answer = '{"secret": "ответ-123"}'
    await model.complete("system-prompt-xyz", "user-text-abc")
    router.fail(402)
    with pytest.raises(OpenRouterError):
        await model.complete("system-prompt-xyz", "user-text-abc")
    for forbidden in ("prompt-xyz", "text-abc", "ответ-123", KEY, "Insufficient credits"):
        assert forbidden not in caplog.text
    assert "HTTP 402" in caplog.text
