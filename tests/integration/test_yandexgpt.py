"""GrpcYandexGpt against the local gRPC fake of TextGenerationService."""

from __future__ import annotations

import json
import logging
import re
import time
from collections.abc import AsyncIterator

import grpc
import pytest
import time_machine

from core.deid import deidentify, restore
from core.errors import ExternalServiceError
from core.ports import ChatModel
from integrations.yandexgpt import GrpcYandexGpt
from tests.fakes.yandexgpt import QUOTA, Alternative, FakeYandexGpt

FOLDER = "b1gtestfolder"
KEY = "AQVN-test-api-key"
IAM = "t1.test-iam-token"
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}")


@pytest.fixture
async def gpt() -> AsyncIterator[FakeYandexGpt]:
    async with FakeYandexGpt(folder_id=FOLDER, api_key=KEY, iam_token=IAM) as fake:
        yield fake


@pytest.fixture
async def model(gpt) -> AsyncIterator[ChatModel]:
    adapter = GrpcYandexGpt(gpt.endpoint, FOLDER, api_key=KEY, secure=False, timeout=2.0)
    yield adapter
    await adapter.aclose()


async def test_request_metadata_and_final_answer(model, gpt):
    gpt.answer = '{"intent": "new_order", "time": "10:30"}'
    answer = await model.complete("Ты извлекаешь заказы.", "Заказ на завтра в 10:30")
    assert json.loads(answer) == {"intent": "new_order", "time": "10:30"}  # not the PARTIAL one
    (call,) = gpt.requests
    assert call.request.model_uri == f"gpt://{FOLDER}/yandexgpt-lite/latest"
    assert [(m.role, m.text) for m in call.request.messages] == [
        ("system", "Ты извлекаешь заказы."),
        ("user", "Заказ на завтра в 10:30"),
    ]
    assert call.request.json_object is True
    options = call.request.completion_options
    assert options.stream is False
    assert options.temperature.value <= 0.3
    assert options.max_tokens.value == 2000
    assert call.metadata["authorization"] == f"Api-Key {KEY}"
    assert "x-folder-id" not in call.metadata  # the docs: not with a service account's key
    assert UUID.fullmatch(call.metadata["x-client-request-id"])
    assert call.metadata["x-data-logging-enabled"] == "false"


async def test_iam_token_sends_the_folder(gpt):
    model = GrpcYandexGpt(gpt.endpoint, FOLDER, iam_token=IAM, model="yandexgpt/rc", secure=False)
    try:
        gpt.answer = "plain text"
        assert await model.complete("", "hello", json_mode=False) == "plain text"
    finally:
        await model.aclose()
    call = gpt.requests[0]
    assert (call.metadata["authorization"], call.metadata["x-folder-id"]) == (
        f"Bearer {IAM}",
        FOLDER,
    )
    assert call.request.model_uri == f"gpt://{FOLDER}/yandexgpt/rc"
    assert call.request.json_object is False
    assert [m.role for m in call.request.messages] == ["user"]  # no empty system message


async def test_only_de_identified_text_leaves_the_process(model, gpt):
    text = "Мария Сидорова, ул. Ленина, д. 5, кв. 12, тел. 8 (916) 123-45-67, 25.12 в 10:30"
    redacted = deidentify(text, known_names=["Мария Сидорова"])
    gpt.answer = lambda request: '{"client": "[PERSON_1]", "address": "[ADDRESS_1]"}'
    answer = await model.complete("Extract.", redacted.text)
    sent = gpt.requests[0].request.messages[-1].text
    for secret in ("Мари", "Сидоров", "Ленина", "916", "123-45-67"):
        assert secret not in sent
    assert "25.12 в 10:30" in sent
    assert json.loads(restore(answer, redacted.mapping)) == {
        "client": "Мария Сидорова",
        "address": "ул. Ленина, д. 5, кв. 12",
    }


async def test_the_stream_is_read_to_the_final_alternative_even_without_partials(model, gpt):
    gpt.partial_first = False
    gpt.answer = "только финал"
    assert await model.complete("s", "u") == "только финал"


async def test_quota_exhaustion_is_retryable(model, gpt):
    gpt.fail()
    with pytest.raises(ExternalServiceError) as raised:
        await model.complete("s", "u")
    assert (raised.value.service, raised.value.reason) == ("yandexgpt", "gRPC RESOURCE_EXHAUSTED")
    assert raised.value.retryable
    assert await model.complete("s", "u") == '{"ok": true}'  # the next call goes through


@pytest.mark.parametrize(
    ("code", "retryable"),
    [
        (grpc.StatusCode.UNAUTHENTICATED, False),
        (grpc.StatusCode.PERMISSION_DENIED, False),
        (grpc.StatusCode.INVALID_ARGUMENT, False),
        (grpc.StatusCode.RESOURCE_EXHAUSTED, True),
        (grpc.StatusCode.UNAVAILABLE, True),
        (grpc.StatusCode.DEADLINE_EXCEEDED, True),
        (grpc.StatusCode.INTERNAL, True),
    ],
)
async def test_status_code_mapping(model, gpt, code, retryable):
    gpt.fail(code, "forced")
    with pytest.raises(ExternalServiceError) as raised:
        await model.complete("s", "u")
    assert (raised.value.reason, raised.value.retryable) == (f"gRPC {code.name}", retryable)


async def test_a_wrong_key_is_unauthenticated(gpt):
    model = GrpcYandexGpt(gpt.endpoint, FOLDER, api_key="wrong", secure=False)
    with pytest.raises(ExternalServiceError) as raised:
        await model.complete("s", "u")
    await model.aclose()
    assert (raised.value.reason, raised.value.retryable) == ("gRPC UNAUTHENTICATED", False)


@pytest.mark.parametrize(
    ("folder", "model_name", "reason"),
    [
        (FOLDER, "no-such-model/latest", "INVALID_ARGUMENT"),
        ("b1gother", "yandexgpt-lite", "PERMISSION_DENIED"),
    ],
)
async def test_bad_model_uri_or_folder(gpt, folder, model_name, reason):
    model = GrpcYandexGpt(gpt.endpoint, folder, api_key=KEY, model=model_name, secure=False)
    with pytest.raises(ExternalServiceError) as raised:
        await model.complete("s", "u")
    await model.aclose()
    assert (raised.value.reason, raised.value.retryable) == (f"gRPC {reason}", False)


async def test_a_slow_answer_hits_the_deadline(gpt):
    gpt.delay = 2.0
    model = GrpcYandexGpt(gpt.endpoint, FOLDER, api_key=KEY, secure=False, timeout=0.2)
    with pytest.raises(ExternalServiceError) as raised:
        await model.complete("s", "u")
    await model.aclose()
    assert (raised.value.reason, raised.value.retryable) == ("gRPC DEADLINE_EXCEEDED", True)


async def test_nobody_listening_is_unavailable_and_retryable():
    model = GrpcYandexGpt("127.0.0.1:9", FOLDER, api_key=KEY, secure=False, timeout=2.0)
    with pytest.raises(ExternalServiceError) as raised:
        await model.complete("s", "u")
    await model.aclose()
    assert (raised.value.reason, raised.value.retryable) == ("gRPC UNAVAILABLE", True)


async def test_content_filter_is_not_retryable(model, gpt):
    gpt.final_status = Alternative.ALTERNATIVE_STATUS_CONTENT_FILTER
    with pytest.raises(ExternalServiceError) as raised:
        await model.complete("s", "u")
    assert (raised.value.reason, raised.value.retryable) == ("content filter", False)


async def test_a_truncated_final_answer_is_still_an_answer(model, gpt):
    gpt.final_status = Alternative.ALTERNATIVE_STATUS_TRUNCATED_FINAL
    assert await model.complete("s", "u") == '{"ok": true}'


async def test_the_channel_reopens_after_aclose(model, gpt):
    assert await model.complete("s", "one")
    await model.aclose()
    await model.aclose()  # twice is fine
    assert await model.complete("s", "two")
    assert [c.request.messages[-1].text for c in gpt.requests] == ["one", "two"]


def test_exactly_one_credential():
    with pytest.raises(ValueError, match="exactly one"):
        GrpcYandexGpt("h:1", FOLDER)
    with pytest.raises(ValueError, match="exactly one"):
        GrpcYandexGpt("h:1", FOLDER, api_key="k", iam_token="t")


async def test_logs_hold_no_prompt_answer_or_key(model, gpt, caplog):
    caplog.set_level(logging.DEBUG)
    gpt.answer = '{"secret": "ответ-123"}'
    await model.complete("system-prompt-xyz", "user-text-abc")
    gpt.fail()
    with pytest.raises(ExternalServiceError):
        await model.complete("system-prompt-xyz", "user-text-abc")
    for forbidden in ("prompt-xyz", "text-abc", "ответ-123", KEY, QUOTA):
        assert forbidden not in caplog.text
    assert "RESOURCE_EXHAUSTED" in caplog.text


async def test_the_deadline_holds_when_the_wall_clock_jumps(gpt):
    """gRPC reckons its deadline by time.time(); a wall clock moved hours ahead (NTP stepping
    a machine's clock, or the suite's --wall-clock) would let a call wait for good. The
    loop's monotonic clock ends it just after the deadline."""
    gpt.delay = 5.0  # the answer would come, late: without the monotonic deadline, no error
    model = GrpcYandexGpt(gpt.endpoint, FOLDER, api_key=KEY, secure=False, timeout=0.2)
    for moved in (3 * 3600, -3 * 3600):  # ahead: it would wait for good; back: end at once
        gpt.requests.clear()
        later = time.time() + moved
        with time_machine.travel(later, tick=True), pytest.raises(ExternalServiceError) as e:
            await model.complete("s", "u")
        assert (e.value.reason, e.value.retryable) == ("gRPC DEADLINE_EXCEEDED", True)
        assert len(gpt.requests) == 1  # asked, then given up on: not refused before asking
    await model.aclose()
