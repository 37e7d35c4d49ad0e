"""The Rate form of the client page (issue 19, item 8): a client asked by SMS or e-mail rates
the visit here, 1 to 5 stars and an optional comment, once (`ClientRatings.rate_on_page`)."""

from __future__ import annotations

from bot.admin.html import Safe, SafeText, esc, join, tag
from core.client_loop.ratings import COMMENT_MAX, Rating
from handlers.i18n import N_

RATE_REFUSED = N_("Choose from 1 to 5 stars; a comment may be up to 1000 characters.")


def rate_section(t: SafeText, rating: Rating, action: str, hidden: dict[str, str]) -> Safe:
    """The form while the rating is not given; afterwards what was given."""
    title = tag("h1", t("Rate the visit"))
    if rating.stars is not None:
        given = t("Thank you! You rated this visit: {stars} of 5.", stars=str(rating.stars))
        return tag("section", join([title, tag("p", given, data_testid="rated")]))
    inputs = join(
        Safe(f'<input type="hidden" name="{esc(name)}" value="{esc(value)}">')
        for name, value in hidden.items()
    )
    stars = join(
        tag(
            "label",
            join([Safe(f'<input type="radio" name="stars" value="{n}" required> '), "⭐" * n]),
            data_testid=f"stars-{n}",
        )
        for n in range(5, 0, -1)
    )
    comment = join(
        [
            tag("label", t("Comment (optional)"), for_="comment"),
            tag("textarea", "", name="comment", id="comment", maxlength=COMMENT_MAX),
        ]
    )
    submit = tag("button", t("Send the rating"), type="submit", data_testid="rate")
    form = tag(
        "form", join([inputs, stars, comment, submit]), method="post", action=f"{action}/rate"
    )
    return tag("section", join([title, form]), data_testid="rate-section")
