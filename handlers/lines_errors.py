"""The texts of the domain errors about an order's lines and money paperwork (the catalogue,
lines and VAT, invoice details, the client's approval of a new total, quotes), merged into
`handlers.errors.MESSAGES`."""

from __future__ import annotations

from handlers.i18n import N_

LINES_ERRORS: dict[str, str] = {
    "catalogue_full": N_("The catalogue holds at most {limit} items. Archive some first."),
    "line_invalid": N_("I could not read that line. Type it like this: {example}"),
    "line_discount_range": N_("A discount must be between zero and the line's amount."),
    "lines_too_many": N_("An order can have at most {limit} lines."),
    "quantity_range": N_(
        "The quantity must be more than zero, with at most three decimal places."
    ),
    "unit_too_long": N_("The unit is at most {limit} characters, for example “pcs” or “m”."),
    "vat_rate_invalid": N_("That VAT rate is not one I know. Rates: {rates}."),
    "inn_invalid": N_("The INN must be 10 or 12 digits with correct check digits."),
    "kpp_invalid": N_("The KPP must be 9 digits."),
    "bik_invalid": N_("The BIK must be 9 digits."),
    "account_invalid": N_("A bank account number must be 20 digits."),
    "price_is_lines": N_(
        "Order №{number} has several lines: its price is their sum. Add a line instead."
    ),
    "approval_pending": N_(
        "Order №{number} is waiting for the client to approve its new total. It can be "
        "closed as done once they approve it."
    ),
    "approval_declined": N_(
        "The client declined the new total of order №{number}. Change or remove a line in "
        "🧾 Lines (the client is asked again), or cancel the order."
    ),
    "lines_done": N_(
        "Order №{number} is done and its invoice issued: its lines can no longer be changed."
    ),
    "line_gone": N_("This line is no longer on the order."),
    "quote_already": N_("This quote has already been answered."),
    "quote_expired": N_("This quote was valid until {day} and can no longer be approved."),
    "quote_no_lines": N_("A quote needs at least one line."),
    "quote_not_sent": N_("This quote has not been sent yet."),
    "quote_slot_taken": N_("That time has just been taken. Please pick another one."),
    "quote_valid_far": N_("A quote can be valid for at most {days} days."),
    "quote_valid_past": N_("The valid-until date must not be in the past."),
    "quote_client_none": N_("No client matches that. Type another phone number or name."),
}
