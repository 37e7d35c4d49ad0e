"""Issue 19, item 7: the organization's own T-Bank terminal on the settings page: validated,
stored encrypted (the database row holds neither the key nor the password), shown without the
password, with the notification URL to set in the terminal, removable."""

from __future__ import annotations

from bot.admin.client_payments import section
from bot.admin.html import SafeText
from core.admin.org_settings import CredentialView
from core.client_loop.payments import TERMINAL_SECRET, OrgTerminal
from handlers.i18n import Catalogs
from tests.admin.support import PUBLIC
from tests.admin.test_admin_http import signed_in
from tests.admin.test_client_channels_http import _secrets

KEY, PASSWORD = "1700000000000DEMO", "tbank-Passw0rd-123"


async def test_the_page_connects_and_disconnects_the_terminal(client, container, db_url):
    owner, csrf = await signed_in(client, container.services)
    page = (await client.get("/settings")).text
    assert 'data-testid="client-payments"' in page
    notify = f"{PUBLIC}/tbank/org/{owner.organization.id}/notify"
    assert notify in page
    form = {
        "terminal_key": KEY, "terminal_password": PASSWORD, "taxation": "usn_income_outcome",
        "tax": "vat20", "csrf": csrf,
    }  # fmt: skip
    assert (await client.post("/settings/client-tbank", data=form)).status_code == 303
    page = (await client.get("/settings")).text
    assert KEY in page and PASSWORD not in page
    assert '<option value="vat20" selected>' in page
    rows = await _secrets(db_url)
    assert TERMINAL_SECRET in {row.name for row in rows}
    assert KEY not in repr(rows) and PASSWORD not in repr(rows)
    terminal = await container.services.client_payments.terminal(owner)
    assert terminal is not None and terminal.password == PASSWORD and terminal.tax == "vat20"
    for wrong in ({"taxation": "flat"}, {"tax": "vat99"}, {"terminal_password": ""}):
        refused = await client.post("/settings/client-tbank", data={**form, **wrong})
        assert refused.status_code == 422, wrong
    removed = await client.post("/settings/client-tbank", data={"terminal_key": "", "csrf": csrf})
    assert removed.status_code == 303
    assert TERMINAL_SECRET not in {row.name for row in await _secrets(db_url)}
    assert await container.services.client_payments.terminal(owner) is None


async def test_the_old_organization_tbank_keys_are_shown_only_as_old_keys_to_remove(
    client, container, db_url
):
    """Keys an earlier version stored as the organization's "T-Bank terminal" integration
    are not offered as an integration any more: while stored they show (masked) under client
    payments as old keys used by nothing, with a button removing them; the client terminal
    and the other integrations are untouched."""
    owner, csrf = await signed_in(client, container.services)
    settings = container.services.org_settings
    await settings.set_credential(owner, "tbank_terminal_key", "OldTerminalKey-0000-7788")
    await settings.set_credential(owner, "tbank_password", "old-password-secret-9911")
    await settings.set_credential(owner, "dadata_token", "dadata-token-000000-4455")
    form = {"terminal_key": KEY, "terminal_password": PASSWORD, "csrf": csrf}
    assert (await client.post("/settings/client-tbank", data=form)).status_code == 303

    page = (await client.get("/settings")).text
    assert page.count("T-Bank") == page[page.index('data-testid="client-payments"') :].count(
        "T-Bank"
    )  # every mention of T-Bank is in the one client payments section
    assert 'data-testid="credential-tbank_terminal_key"' not in page
    assert 'value="tbank_terminal_key"' not in page and 'value="tbank_password"' not in page
    assert 'data-testid="credential-dadata_token"' in page and "••••4455" in page
    section = page[page.index('data-testid="client-payments"') :]
    assert "Оплата клиентами (ваш терминал Т-Банка)" in section and KEY in section
    old = section[section.index('data-testid="old-tbank-keys"') :]
    assert "старый ключ терминала Т-Банка" in old and "••••7788" in old and "••••9911" in old
    assert "ни для чего не используются" in old
    assert "OldTerminalKey" not in page and "old-password-secret" not in page

    # A forged form changes nothing; the button removes both old keys and nothing else.
    forged = await client.post("/settings/client-tbank/old", data={"csrf": "forged"})
    assert forged.status_code in (400, 403)
    names = {row.name for row in await _secrets(db_url)}
    assert {"tbank_terminal_key", "tbank_password"} <= names
    removed = await client.post("/settings/client-tbank/old", data={"csrf": csrf})
    assert removed.status_code == 303
    names = {row.name for row in await _secrets(db_url)}
    assert names == {TERMINAL_SECRET, "dadata_token"}
    page = (await client.get("/settings")).text
    assert 'data-testid="old-tbank-keys"' not in page and KEY in page
    terminal = await container.services.client_payments.terminal(owner)
    assert terminal is not None and terminal.password == PASSWORD


def test_the_section_in_english_names_the_terminal_and_the_old_keys():
    t = SafeText(Catalogs().get("en"))
    terminal = OrgTerminal(KEY, PASSWORD)
    old = [CredentialView("tbank_terminal_key", "••••7788")]
    old.append(CredentialView("tbank_password", None))
    html = section(t, "csrf", terminal, "https://crm.example/tbank/org/1/notify", old)
    assert "Client payments (your T-Bank terminal)" in html
    assert f"connected, terminal {KEY}" in html
    assert "old T-Bank terminal key ••••7788" in html and "password" not in html.split("ul>")[1]
    assert "not used for anything" in html and "Remove the old T-Bank keys" in html
    bare = section(t, "csrf", None, "https://crm.example/tbank/org/1/notify", old[1:])
    assert 'data-testid="old-tbank-keys"' not in bare and "not set" in bare
