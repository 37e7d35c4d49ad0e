"""The outbox's invoice PDFs (`Method.DOCUMENT`, `Method.DOCUMENTS`): read from the file
storage when sent, so a row holds the invoice's id, never the bytes. Several go as one album
of documents (sendMediaGroup; Telegram groups documents only with documents), one as a
document; a PDF gone meanwhile (an erased client) is left out, none left sends nothing."""

from __future__ import annotations

from telegram import Bot, InputFile, InputMediaDocument

from core.runtime.outbox import Delivery, Method
from core.services import Services


async def send_invoice_files(bot: Bot, services: Services, delivery: Delivery) -> int | None:
    """Telegram's message id of the first document sent (None: nothing to send)."""
    p = delivery.params
    org_id, invoice_id = int(str(p["org"])), int(str(p["invoice"]))
    wanted = p if delivery.method is Method.DOCUMENT else p.get("files")
    files = [wanted] if isinstance(wanted, dict) else wanted if isinstance(wanted, list) else []
    ready: list[tuple[bytes, str, str]] = []
    for file in files:
        data = await services.invoices.pdf(org_id, invoice_id, report=bool(file["report"]))
        if data is not None:
            ready.append((data, str(file["filename"]), str(file["caption"])))
    if not ready:
        return None
    if len(ready) == 1:
        data, name, caption = ready[0]
        document = InputFile(data, filename=name)
        sent = await bot.send_document(delivery.chat_id, document, caption=caption)
        return sent.message_id
    album = [
        InputMediaDocument(data, caption=caption, filename=name) for data, name, caption in ready
    ]
    messages = await bot.send_media_group(delivery.chat_id, album)
    return messages[0].message_id
