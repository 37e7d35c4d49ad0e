"""The texts of the client loop's domain errors (links and invitations, the client's chat and
pages, consents, working hours, ratings, arrival estimates, message templates), merged into
`handlers.errors.MESSAGES`."""

from __future__ import annotations

from handlers.i18n import N_

CLIENT_LOOP_ERRORS: dict[str, str] = {
    "client_button_foreign": N_("This button is not for you."),
    "client_invite_expired": N_("This link has expired. Ask the business for a new one."),
    "client_invite_unknown": N_("This link is not valid. Ask the business for a new one."),
    "client_invite_used": N_("This link was already used. Ask the business for a new one."),
    "client_unreachable": N_(
        "The client cannot get messages now: they are not in Telegram, have no mobile number "
        "or e-mail we can use, or asked not to be messaged."
    ),
    "client_message_text": N_("Please type your message to the client as text."),
    "client_reason_empty": N_("Please write the reason in words."),
    "working_day_invalid": N_(
        "{day}: give the opening and closing time like 09:00 and 18:00, closing at least an "
        "hour after opening, or mark the day closed."
    ),
    "working_days_none": N_("At least one day must be open."),
    "client_linked_elsewhere": N_(
        "This Telegram account is already linked to another client of this business."
    ),
    "client_page_expired": N_("This page has expired."),
    "client_page_unknown": N_("This page does not exist."),
    "consent_basis_channel": N_("A legal basis is recorded for SMS or e-mail only."),
    "rating_delay_range": N_("The rating delay must be between 0 and {limit} minutes."),
    "eta_detour_range": N_("The detour factor must be between {low} and {high}."),
    "eta_speed_range": N_("The average speed must be between {low} and {high} km/h."),
    "template_braces": N_("The braces in the text do not match (at character {position})."),
    "template_empty": N_("The text cannot be empty."),
    "template_missing_variable": N_("The text must contain {{{name}}}."),
    "template_too_long": N_("The text is longer than {limit} characters."),
    "template_unknown_variable": N_("{{{name}}} is not a variable this message can use."),
}
