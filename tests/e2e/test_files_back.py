"""Issue scenario: "📎 Files" sends an order's files back whatever their number and kind: one
photo alone, albums of at most 10 that never mix documents with photos, voice notes and audio
as themselves, and a photo that arrived as a file although its Telegram id is a document's."""

from pathlib import Path

from tests.e2e.scenario import started_order
from tests.e2e.test_files import PDF, png

VOICE = (Path(__file__).resolve().parents[1] / "data" / "voice_ru.ogg").read_bytes()
MP3 = b"ID3\x04\x00\x00\x00\x00\x00\x00" + bytes(range(256)) * 4


async def _worker(crm):
    client = ("+7 916 111 22 33", "Анна", "Москва, Тверская, 1")
    _olga, ivan, _card = await started_order(crm, (971, 972), client)
    return ivan


async def _files_button(ivan):
    await ivan.send("/order 1")
    card = await ivan.reply()
    label = next(label for label in card.labels if label.startswith("📎"))
    await ivan.tap(label, message=card)
    return label


async def test_one_photo_comes_back_as_a_photo(crm):
    ivan = await _worker(crm)
    await ivan.send_photo(png(1), caption="до <b>1 < 2 & co")  # the worker's own words
    assert "now 1 photo" in (await ivan.reply()).text
    assert await _files_button(ivan) == "📎 Files (1)"
    photo = await ivan.reply()  # sent back as typed, not read as HTML (the bot's default)
    assert photo.media == "photo" and photo.text == "до <b>1 < 2 & co"
    assert crm.emulator.calls_to("sendMediaGroup") == []


async def test_every_kind_comes_back_in_albums_of_its_own(crm):
    ivan = await _worker(crm)
    await ivan.send_album([png(n) for n in range(10)])
    await ivan.reply()
    await ivan.send_photo(png(10))
    await ivan.reply()
    await ivan.send_document(png(11), "scan.png", "image/png")  # a photo with a document's id
    await ivan.reply()
    await ivan.send_document(PDF, "act.pdf", "application/pdf")
    await ivan.reply()
    await ivan.send_voice(VOICE, duration=3)
    await ivan.reply()
    await ivan.send_audio(MP3, duration=2, file_name="memo.mp3")
    await ivan.reply()

    assert await _files_button(ivan) == "📎 Files (15)"
    sent = await ivan.replies(15)
    kinds = [message.media for message in sent]
    assert kinds == ["photo"] * 12 + ["document", "voice", "audio"], kinds
    albums = [message.media_group_id for message in sent[:12]]
    assert albums[0] == albums[5] != albums[6] == albums[11], albums
    assert sent[12].media_group_id is None and sent[12].raw["document"]["file_name"] == "act.pdf"

    # The document's id was refused for a photo, so the bytes went instead; their new ids are
    # kept, and the second time every file goes by id at once.
    groups = len(crm.emulator.calls_to("sendMediaGroup"))
    await _files_button(ivan)
    await ivan.replies(15)
    assert len(crm.emulator.calls_to("sendMediaGroup")) == groups + 2
