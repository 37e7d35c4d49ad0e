"""Issue 19, item 7: the organization's own T-Bank terminal on the settings page: validated,
stored encrypted (the database row holds neither the key nor the password), shown without the
password, with the notification URL to set in the terminal, removable."""

from __future__ import annotations

from core.client_loop.payments import TERMINAL_SECRET
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
