"""`astracrm worker` picks up jobs another process enqueued (here: an upload)."""

import asyncio

from pydantic import SecretStr

from bot.container import build_container
from bot.worker import serve_worker
from core.files.service import IncomingFile
from core.orders.rules import OrderAction
from core.orders.service import OrderDraft
from sandbox.emulator import EmulatorServer, TelegramEmulator
from tests.e2e.conftest import make_settings
from tests.e2e.test_files import png
from tests.support import owner_with_org


async def test_worker_runs_jobs_enqueued_elsewhere(db_url, tmp_path):
    emulator = TelegramEmulator("777:WORKER-TEST-TOKEN-abcdefghij", bot_username="crm_bot")
    async with EmulatorServer(emulator) as server:
        settings = make_settings(db_url, tmp_path).model_copy(
            update={
                "telegram_bot_token": SecretStr(emulator.token),
                "telegram_api_base_url": server.api_base_url,
                "telegram_file_base_url": server.file_base_url,
            }
        )
        container = build_container(settings)  # "the bot process": enqueues, runs no jobs
        services = container.services
        owner = await owner_with_org(services)
        order = await services.orders.create(owner, OrderDraft(None, address="Тверская, 1"))
        await services.orders.act(owner, order.id, OrderAction.ASSIGN, assignee_id=owner.user.id)
        attached = await services.files.attach(
            owner, order.id, IncomingFile(png(7), "image/png", None, None, None)
        )
        assert not attached.attachment.stored
        stop = asyncio.Event()
        worker = asyncio.create_task(serve_worker(settings, stop))
        try:
            for _ in range(100):
                files = await services.files.files(owner, order.id)
                if files and files[0].stored:
                    break
                await asyncio.sleep(0.05)
            assert files[0].stored, "the worker did not upload the file"
        finally:
            stop.set()
            await worker
            await container.close()
