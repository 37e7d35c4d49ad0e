"""The client page's acceptance section (issue 20, item 8): "I accept the work" with the
client's name and a canvas to sign on (drawn by `/sign.js`, served by
`bot.admin.client_acceptance`; no inline script), or the acceptance already given."""

from __future__ import annotations

from bot.admin.html import Safe, SafeText, esc, join, tag
from core.checklists.acceptance import PageAcceptance
from core.checklists.model import AcceptanceMethod
from handlers.i18n import N_

METHODS = {
    AcceptanceMethod.TELEGRAM: N_("Accepted in Telegram"),
    AcceptanceMethod.NAME: N_("Accepted on this page by {name}"),
    AcceptanceMethod.SIGNATURE: N_("Signed on this page by {name}"),
}
SCRIPT = """(function () {
  var c = document.getElementById("sign"), f = c && c.form, x = c && c.getContext("2d");
  if (!x) return;
  var drawn = false, down = false;
  function at(e) { var r = c.getBoundingClientRect();
    return [(e.clientX - r.left) * c.width / r.width, (e.clientY - r.top) * c.height / r.height]; }
  c.addEventListener("pointerdown", function (e) { down = true; var p = at(e);
    x.beginPath(); x.moveTo(p[0], p[1]); c.setPointerCapture(e.pointerId); });
  c.addEventListener("pointermove", function (e) { if (!down) return; var p = at(e);
    x.lineWidth = 3; x.lineCap = "round"; x.lineTo(p[0], p[1]); x.stroke(); drawn = true; });
  c.addEventListener("pointerup", function () { down = false; });
  document.getElementById("sign-clear").addEventListener("click", function () {
    x.clearRect(0, 0, c.width, c.height); drawn = false; });
  f.addEventListener("submit", function () {
    if (drawn) f.elements.signature.value = c.toDataURL("image/png"); });
})();
"""


def accept_section(
    t: SafeText, state: PageAcceptance, action: str, hidden: dict[str, str], staff: bool
) -> Safe:
    got = state.accepted
    if got is not None:
        text = t(METHODS[got.method], name=got.name or "")
        return tag("section", tag("p", text), data_testid="accepted")
    fields = {**hidden, "signature": ""} | ({"staff": "1"} if staff else {})
    inputs = join(
        Safe(f'<input type="hidden" name="{esc(name)}" value="{esc(value)}">')
        for name, value in fields.items()
    )
    name = tag(
        "label",
        join([t("Your name"), Safe('<input name="name" maxlength="100" required>')]),
    )
    canvas = tag("canvas", "", id="sign", width="600", height="200", data_testid="canvas")
    clear = tag("button", t("Clear"), type="button", id="sign-clear")
    submit = tag("button", t("I accept the work"), type="submit", data_testid="accept")
    body = join([inputs, name, tag("p", t("Sign here (optional):")), canvas, clear, submit])
    form = tag("form", body, method="post", action=f"{action}/accept")
    script = Safe('<script src="/sign.js" defer></script>')
    title = tag("h1", t("Accept the work"))
    return tag("section", join([title, form, script]), data_testid="acceptance")
