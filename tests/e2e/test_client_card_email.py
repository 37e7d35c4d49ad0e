"""The client card's "📧 E-mail" button: owners and managers add, correct or remove the address
e-mail messages go to (issue 19, item 2); a malformed address is asked again, nothing saved."""

from __future__ import annotations

from tests.e2e.scenario import reason_of
from tests.e2e.test_client_link import _order, _team
from tests.e2e.test_client_link import crm as link_crm

crm = link_crm


async def _card(olga):
    await olga.send("/client Пётр")
    found = await olga.reply()
    await olga.tap(next(lbl for lbl in found.labels if "Пётр" in lbl))
    return await olga.reply()


async def test_the_card_sets_corrects_and_removes_the_email(crm):
    olga, ivan = await _team(crm, (7901, 7902))
    await _order(olga, ivan)
    card = await _card(olga)
    assert "📧" not in card.text
    await olga.tap("📧 Эл. почта", message=card)
    asked = await olga.reply()
    assert "E-mail клиента?" in asked.text

    await olga.send("petr at example")
    reason = reason_of(await olga.reply(), asked)  # asked again, in one message
    assert "не похоже на адрес электронной почты" in reason
    await olga.send("Petr.Sidorov@Example.org")
    await olga.reply()
    card = await _card(olga)
    assert "📧 Эл. почта: Petr.Sidorov@example.org" in card.text

    await olga.tap("📧 Эл. почта", message=card)
    await olga.reply()
    await olga.send("-")
    await olga.reply()
    assert "📧" not in (await _card(olga)).text
