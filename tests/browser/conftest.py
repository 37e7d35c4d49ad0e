"""Browser tests: the sandbox web chat in headless Chromium, driven by Playwright."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.local import new_emulator
from bot.sandbox import sandbox_settings
from tests.e2e.conftest import local_bot, make_settings

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts" / "browser"
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture
async def sandbox(tmp_path):
    from sandbox.web import SandboxServer

    base = make_settings(f"sqlite:///{tmp_path}/unused.db", tmp_path)
    options = {"sandbox_dir": tmp_path / "sandbox", "sandbox_port": 0}  # admin: any free port
    settings = sandbox_settings(base.model_copy(update=options))
    server = SandboxServer(new_emulator(), port=0, world_path=tmp_path / "world.json")
    local = local_bot(settings, server=server)
    await local.start()
    yield local
    await local.stop()


@pytest.fixture
async def page():
    if CHROMIUM is None:
        pytest.skip("Chromium is not installed (scripts/system-deps.sh installs it)")
    playwright_api = pytest.importorskip("playwright.async_api")
    async with playwright_api.async_playwright() as driver:
        browser = await driver.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        context = await browser.new_context(viewport={"width": 1280, "height": 860})
        tab = await context.new_page()
        errors: list[str] = []
        tab.on("pageerror", lambda error: errors.append(str(error)))
        yield tab
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        await tab.screenshot(path=str(ARTIFACTS / "last-state.png"))
        await context.close()
        await browser.close()
        assert not errors, f"JavaScript errors on the page: {errors}"
