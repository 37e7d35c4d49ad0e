"""Prometheus metrics at the admin app's /metrics: updates, Bot API calls, 429s, job queue."""

from __future__ import annotations

import httpx
import pytest
from pydantic import SecretStr
from telegram.request import BaseRequest

from bot.metered_request import MeteredRequest
from bot.metrics import Metrics
from tests.e2e.conftest import local_bot, make_settings
from tests.e2e.scenario import create_org


@pytest.fixture
async def crm(db_url, tmp_path):
    settings = make_settings(db_url, tmp_path).model_copy(
        update={"admin_port": 0, "metrics_token": SecretStr("scrape-me")}
    )
    local = local_bot(settings)
    await local.start()
    yield local
    await local.stop()


def sample(text: str, name: str, **labels: str) -> float:
    """The value of one sample in the text exposition format (0 when absent)."""
    wanted = ",".join(f'{k}="{v}"' for k, v in labels.items())
    head = f"{name}{{{wanted}}}" if labels else name
    for line in text.splitlines():
        if line.startswith(head + " "):
            return float(line.rsplit(" ", 1)[1])
    return 0.0


async def test_metrics_count_updates_and_sends_and_need_the_token(crm):
    olga = crm.emulator.user(7101, "Ольга", language_code="ru")
    await create_org(olga)
    await olga.send("/help")
    await olga.reply()
    async with httpx.AsyncClient(base_url=crm.admin.url) as web:
        assert (await web.get("/metrics")).status_code == 401
        answer = await web.get("/metrics", headers={"Authorization": "Bearer scrape-me"})
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/plain")
    text = answer.text
    assert sample(text, "astracrm_updates_total", kind="command") >= 2  # /start, /help
    assert sample(text, "astracrm_updates_total", kind="callback") >= 3  # language, age, ...
    assert sample(text, "astracrm_update_seconds_count") >= 5
    sent = sample(text, "astracrm_telegram_calls_total", method="sendMessage")
    assert sent == len(crm.emulator.calls_to("sendMessage"))
    assert "astracrm_job_queue_depth" in text and "astracrm_job_failures_total" in text


class Answers(BaseRequest):
    """A request class that answers from a list of (status, body)."""

    def __init__(self, answers: list[tuple[int, bytes]]) -> None:
        self.answers = answers

    @property
    def read_timeout(self) -> float | None:
        return 5.0

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    async def do_request(self, url, method, request_data=None, **_timeouts):
        return self.answers.pop(0)


async def test_each_429_and_each_send_attempt_is_counted():
    metrics = Metrics()
    refused = b'{"ok":false,"error_code":429,"parameters":{"retry_after":1}}'
    request = MeteredRequest(
        Answers([(429, refused), (200, b'{"ok":true,"result":true}')]), metrics
    )
    base = "http://127.0.0.1:1/bot1:TOKEN"
    for _ in range(2):
        await request.do_request(f"{base}/sendMessage", "POST")
    text = (await metrics.render()).decode()
    assert sample(text, "astracrm_telegram_429_total") == 1
    assert sample(text, "astracrm_telegram_calls_total", method="sendMessage") == 2
