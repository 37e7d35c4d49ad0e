"""The second factor's pages, in the person's language: passing it after the sign-in link,
the security page (factors, recovery codes, the owners' rule), an authenticator app's setup
(its secret as text and as a QR code, inline SVG) and recovery codes shown once. Passkey
buttons work through /second-factor/passkey.js (the pages allow scripts from this site only,
no inline script)."""

from __future__ import annotations

from datetime import datetime

import segno

from bot.admin.headers import PAGE_POLICY
from bot.admin.html import Safe, SafeText, button, checkbox, esc, field, form, join, page, tag
from core.admin.factor_base import FactorSession, TotpSetup
from core.admin.factors import MAX_FAILURES, FactorKind
from core.permissions import Action, allowed

# The pages with passkey buttons load one script from this site and call back to it.
FACTOR_POLICY = PAGE_POLICY.replace(
    "default-src 'none'; ", "default-src 'none'; script-src 'self'; connect-src 'self'; ", 1
)
SCRIPT = "/second-factor/passkey.js"


def _org(s: FactorSession) -> str | None:
    return s.actor.organization.name if s.actor.organization else None


def _owner(s: FactorSession) -> bool:
    return allowed(s.actor.role, Action.ORG_SETTINGS)


def _as_passkey(submit: Safe, action: str) -> Safe:
    """A button the script drives instead of a form."""
    return Safe(submit.replace('type="submit"', f'type="button" data-passkey="{action}"', 1))


def _script(t: SafeText, csrf: str, action: str, next_url: str = "") -> Safe:
    """The passkey button's data for the script, and the words it may show."""
    words = {
        "data_failed": t.translator.raw("The passkey was not accepted. Try again or use a code."),
        "data_unsupported": t.translator.raw("This browser cannot use passkeys."),
    }
    box = tag(
        "div",
        "",
        id="passkey",
        data_csrf=csrf,
        data_action=action,
        data_next=next_url,
        **words,
    )
    script = Safe(f'<script src="{SCRIPT}" defer></script>')
    return join([box, script])


def verify_page(
    t: SafeText, s: FactorSession, csrf: str, next_url: str, message: Safe | None = None
) -> str:
    parts: list[object] = [message or ""]
    parts.append(tag("p", t("Your account has a second factor. Confirm it is you to continue.")))
    code = field(
        t("Code from the authenticator app, or a recovery code"),
        "code",
        autocomplete="one-time-code",
        autofocus=True,
        required=True,
        maxlength=20,
    )
    hidden = Safe(f'<input type="hidden" name="next" value="{esc(next_url)}">')
    parts.append(
        tag(
            "section",
            form("/second-factor", csrf, code, hidden, button(t("Continue"), "verify-code")),
        )
    )
    if s.passkeys:
        key = button(t("Use a passkey"), "use-passkey", "secondary")
        parts.append(
            tag(
                "section",
                join(
                    [
                        _as_passkey(key, "signin"),
                        _script(t, csrf, "signin", next_url),
                    ]
                ),
            )
        )
    hint = t("No phone at hand? Type one of the recovery codes you saved.")
    parts.append(tag("p", hint, class_="muted"))
    parts.append(form("/signout", csrf, button(t("Sign out"), "sign-out", "secondary")))
    return page(t, t("Second factor"), join(parts))


def security_page(t: SafeText, s: FactorSession, csrf: str, message: Safe | None = None) -> str:
    parts: list[object] = [message or ""]
    if s.factors:
        rows = [
            tag(
                "tr",
                join(
                    [
                        tag("td", _kind(t, f.kind, f.name)),
                        tag("td", t("added {date}", date=_day(f.created_at))),
                        tag(
                            "td",
                            form(
                                f"/security/factors/{f.id}/remove",
                                csrf,
                                button(t("Remove"), f"remove-{f.id}", "secondary"),
                            ),
                        ),
                    ]
                ),
                data_testid=f"factor-{f.kind.value}",
            )
            for f in s.factors
        ]
        parts.append(
            tag("section", join([tag("h2", t("Your second factors")), tag("table", join(rows))]))
        )
    else:
        parts.append(
            tag(
                "p",
                t(
                    "Sign-in is the one-time link from the bot. Add a second factor so that "
                    "the link alone does not open your account."
                ),
            )
        )
    add: list[object] = [tag("h2", t("Add a second factor"))]
    if not s.has_totp:
        add.append(
            form("/security/totp", csrf, button(t("Set up an authenticator app"), "totp-start"))
        )
    name = field(t("Passkey name"), "passkey_name", t("Passkey"), maxlength=60)
    key = _as_passkey(button(t("Add a passkey"), "add-passkey"), "register")
    add.extend([name, key, _script(t, csrf, "register", "/security?saved=1")])
    parts.append(tag("section", join(add)))
    if s.factors:
        left = t.n("{count} recovery code left.", "{count} recovery codes left.", s.recovery_left)
        again = form(
            "/security/recovery",
            csrf,
            button(t("Make new recovery codes"), "recovery-new", "secondary"),
        )
        parts.append(tag("section", join([tag("h2", t("Recovery codes")), tag("p", left), again])))
    if _owner(s):
        rule = form(
            "/security/owners",
            csrf,
            checkbox(t("Require a second factor for owners"), "required", s.required),
            button(t("Save"), "owners-save"),
        )
        parts.append(tag("section", join([tag("h2", t("Owners of the organization")), rule])))
    return page(t, t("Sign-in security"), join(parts), _org(s), _owner(s))


def totp_page(
    t: SafeText, s: FactorSession, csrf: str, setup: TotpSetup, message: Safe | None = None
) -> str:
    qr = segno.make_qr(setup.uri, error="m").svg_inline(scale=5, border=2)
    parts: list[object] = [
        message or "",
        tag(
            "p",
            t(
                "Scan the code with an authenticator app (Google Authenticator, Yandex Key, "
                "1Password…) or type the key by hand."
            ),
        ),
        tag("div", Safe(qr), data_testid="totp-qr"),
        tag(
            "p",
            join(
                [
                    t("Key:"),
                    " ",
                    tag("code", setup.secret, class_="token", data_testid="totp-secret"),
                ]
            ),
        ),
        form(
            "/security/totp/confirm",
            csrf,
            field(
                t("Code from the app"),
                "code",
                autocomplete="one-time-code",
                required=True,
                maxlength=6,
            ),
            button(t("Turn on"), "totp-confirm"),
        ),
    ]
    return page(t, t("Authenticator app"), join(parts), _org(s), _owner(s))


def codes_page(t: SafeText, s: FactorSession, codes: list[str]) -> str:
    items = join(tag("li", tag("code", c), data_testid="recovery-code") for c in codes)
    parts = [
        tag(
            "p",
            t(
                "Save these recovery codes somewhere safe. Each opens your account once "
                "when you cannot use your second factor. They are shown only now."
            ),
        ),
        tag("ol", items),
        tag("a", t("I have saved them"), href="/security"),
    ]
    return page(t, t("Recovery codes"), join(parts), _org(s), _owner(s))


def wrong_code(t: SafeText) -> Safe:
    return t("That code is not right or was already used. Wait for the next code and try again.")


def too_many(t: SafeText) -> Safe:
    return t(
        "Too many wrong codes ({limit}). Wait a quarter of an hour and try again.",
        limit=MAX_FAILURES,
    )


def _kind(t: SafeText, kind: FactorKind, name: str) -> Safe:
    if kind is FactorKind.TOTP:
        return t("Authenticator app")
    return t("Passkey “{name}”", name=name)


def _day(moment: datetime) -> str:
    return moment.date().isoformat()
