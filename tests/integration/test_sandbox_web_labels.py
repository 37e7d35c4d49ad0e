"""The sandbox page's own words follow the persona: a Russian persona's page is in Russian
(buttons, placeholders, hints), an English one's and the bare page in English, and every label
the page or its scripts use exists in both languages."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from sandbox.emulator import TelegramEmulator
from sandbox.web import build_sandbox_app, labels
from tests.integration.test_sandbox_web import TOKEN, add_persona, client_for

STATIC = Path(labels.__file__).parent / "static"


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    emulator = TelegramEmulator(TOKEN, bot_first_name="AstraCRM", bot_username="astracrm_bot")
    async with client_for(build_sandbox_app(emulator)) as http:
        yield http


async def test_a_russian_personas_page_is_in_russian(client):
    olga = await add_persona(client, first_name="Olga", language_code="ru")
    page = (await client.get(f"/?persona={olga}")).text
    assert '<html lang="ru">' in page
    for russian in (
        'title="Отправить"',
        'placeholder="Сообщение"',
        ">+ персона</button>",
        ">Добавить персону</button>",
        ">ЗАПУСТИТЬ</button>",
        'placeholder="Имя"',
        ">Геопозиция</button>",
    ):
        assert russian in page, russian
    assert 'title="Send"' not in page and "Add persona" not in page and "{{" not in page


async def test_an_english_persona_and_the_bare_page_are_in_english(client):
    mary = await add_persona(client, first_name="Mary", language_code="en")
    for address in (f"/?persona={mary}", "/", "/?persona=999", "/?persona=x"):
        page = (await client.get(address)).text
        assert '<html lang="en">' in page and 'title="Send"' in page, address
        assert ">Add persona</button>" in page and 'placeholder="Message"' in page


async def test_the_page_gets_both_tables_to_relabel_itself_when_another_persona_opens(
    client,
):
    state = (await client.get("/api/state")).json()
    assert state["labels"]["ru"]["send"] == "Отправить" and state["labels"]["en"]["send"] == "Send"


def test_every_label_the_page_uses_exists_in_english_and_russian():
    assert set(labels.LABELS["en"]) == set(labels.LABELS["ru"])
    html = (STATIC / "index.html").read_text(encoding="utf-8")
    used = set(re.findall(r"\{\{t:([a-z_]+)\}\}", html))
    used |= set(re.findall(r'data-l10n(?:-title|-placeholder)?="([a-z_]+)"', html))
    scripts = " ".join(p.read_text(encoding="utf-8") for p in STATIC.glob("*.js"))
    for arguments in re.findall(r"\btr\(([^()]*)", scripts):
        used |= set(re.findall(r'"([a-z_]+)"', arguments))
    activities = re.search(r"ACTIVITIES = new Set\(\[([^\]]*)\]", scripts)
    assert activities is not None  # the chat actions shown as "typing…" and the like
    used |= set(re.findall(r'"([a-z_]+)"', activities.group(1)))
    assert used and used <= set(labels.LABELS["en"]), used - set(labels.LABELS["en"])
    for placeholders in ("as_persona", "switch_language"):
        fields = [
            set(re.findall(r"\{(\w+)\}", labels.LABELS[lang][placeholders]))
            for lang in ["en", "ru"]
        ]
        assert fields[0] == fields[1], placeholders
