"""A Bot API request class that counts what goes through another one (for /metrics)."""

from __future__ import annotations

from telegram._utils.types import ODVInput
from telegram.request import BaseRequest, RequestData

from bot.metrics import Metrics


class MeteredRequest(BaseRequest):
    """Delegates to `inner` and counts each attempt by Bot API method and each 429 answer
    (flood control): every retry python-telegram-bot's rate limiter makes is counted too."""

    def __init__(self, inner: BaseRequest, metrics: Metrics) -> None:
        self._inner = inner
        self._metrics = metrics

    @property
    def read_timeout(self) -> float | None:
        return self._inner.read_timeout

    async def initialize(self) -> None:
        await self._inner.initialize()

    async def shutdown(self) -> None:
        await self._inner.shutdown()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        write_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        connect_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        pool_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        status, body = await self._inner.do_request(
            url,
            method,
            request_data,
            read_timeout=read_timeout,
            write_timeout=write_timeout,
            connect_timeout=connect_timeout,
            pool_timeout=pool_timeout,
        )
        self._metrics.called(url.rsplit("/", 1)[-1], status)
        return status, body
