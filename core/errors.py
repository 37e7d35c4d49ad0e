"""Domain errors are codes with parameters; the presentation layer turns them into sentences."""

from __future__ import annotations

import enum
from typing import Any


class ErrorCode(enum.StrEnum):
    """Every reason a rule may give. Each member has an English and a Russian message
    (handlers/errors.py; a test checks both and their placeholders)."""

    ACCESS_REVOKED = "access_revoked"
    ADDRESS_EMPTY = "address_empty"
    ADDRESS_TOO_LONG = "address_too_long"
    API_TOKENS_LIMIT = "api_tokens_limit"
    API_KEY_INVALID = "api_key_invalid"  # the REST API (core/apikeys)
    API_KEY_SCOPES_INVALID = "api_key_scopes_invalid"
    API_SCOPE_MISSING = "api_scope_missing"
    OWNBOT_UNAVAILABLE = "ownbot_unavailable"  # the organization's own bot (core/ownbot)
    OWNBOT_TOKEN_INVALID = "ownbot_token_invalid"
    OWNBOT_TAKEN = "ownbot_taken"
    OWNBOT_NONE = "ownbot_none"
    BILLING_UNAVAILABLE = "billing_unavailable"
    BOARD_AWAY = "board_away"  # a drop on a worker away that day
    BOARD_CLASH = "board_clash"  # a drop on a worker busy then
    BOARD_WORKERS = "board_workers"  # the web board is not for workers
    CALL_ATTACHED = "call_attached"
    CALL_NO_CLIENT = "call_no_client"
    CALL_NO_OPEN_ORDERS = "call_no_open_orders"
    CATEGORIES_EMPTY = "categories_empty"
    CATEGORIES_TOO_MANY = "categories_too_many"
    CHOOSE_OPTION = "choose_option"
    CLIENT_BUTTON_FOREIGN = "client_button_foreign"
    CLIENT_DUPLICATE = "client_duplicate"
    CLIENT_EMAIL_INVALID = "client_email_invalid"
    CLIENT_INVITE_EXPIRED = "client_invite_expired"
    CLIENT_INVITE_UNKNOWN = "client_invite_unknown"
    CLIENT_INVITE_USED = "client_invite_used"
    CLIENT_LINKED_ELSEWHERE = "client_linked_elsewhere"
    CLIENT_MESSAGE_TEXT = "client_message_text"
    CLIENT_REASON_EMPTY = "client_reason_empty"
    CLIENT_NOT_RESTRICTED = "client_not_restricted"  # data rights (core/clients/restriction)
    RESTRICTION_NOTE_EMPTY = "restriction_note_empty"
    REQUEST_DAY_INVALID = "request_day_invalid"
    AWAY_HOURS_INVALID = "away_hours_invalid"  # availability (core/availability)
    AWAY_DAYS_INVALID = "away_days_invalid"
    AWAY_DAYS_PAST = "away_days_past"
    AWAY_PLAN_OVER = "away_plan_over"
    WORKING_DAY_INVALID = "working_day_invalid"
    WORKING_DAYS_NONE = "working_days_none"
    CLIENT_PAGE_EXPIRED = "client_page_expired"
    CLIENT_PAGE_UNKNOWN = "client_page_unknown"
    CLIENT_UNREACHABLE = "client_unreachable"
    CLIENT_QUERY_EMPTY = "client_query_empty"
    CONSENT_BASIS_CHANNEL = "consent_basis_channel"
    CONTACT_GRACE_RANGE = "contact_grace_range"
    CREDENTIAL_INVALID = "credential_invalid"
    CREDENTIAL_UNKNOWN = "credential_unknown"
    CREDENTIALS_UNAVAILABLE = "credentials_unavailable"
    CSRF_INVALID = "csrf_invalid"
    CURRENCY_INVALID = "currency_invalid"
    DATE_INVALID = "date_invalid"
    DATE_PAST = "date_past"
    DATE_TOO_FAR = "date_too_far"
    DIALOG_OUTDATED = "dialog_outdated"
    EMAIL_INVALID = "email_invalid"
    ETA_DETOUR_RANGE = "eta_detour_range"
    ETA_SPEED_RANGE = "eta_speed_range"
    EXTENSION_INVALID = "extension_invalid"
    FILE_TOO_LARGE = "file_too_large"
    FILE_TYPE_REFUSED = "file_type_refused"
    FORBIDDEN = "forbidden"
    INBOX_EMPTY = "inbox_empty"
    INVITE_DAYS_RANGE = "invite_days_range"
    INVITE_EXPIRED = "invite_expired"
    INVITE_INVALID = "invite_invalid"
    INVITE_NUMBER_INVALID = "invite_number_invalid"
    INVITE_REVOKED = "invite_revoked"
    INVITE_ROLE_UNKNOWN = "invite_role_unknown"
    INVITE_USED_UP = "invite_used_up"
    INVITE_USES_RANGE = "invite_uses_range"
    LAST_OWNER = "last_owner"
    MERGE_NOTHING_FOUND = "merge_nothing_found"
    MERGE_SAME = "merge_same"
    MONEY_INVALID = "money_invalid"
    MONEY_NEGATIVE = "money_negative"
    MONEY_RANGE = "money_range"
    MONTHS_RANGE = "months_range"
    NAME_EMPTY = "name_empty"
    NAME_TOO_LONG = "name_too_long"
    NO_ORGANIZATION = "no_organization"
    NO_WORKERS = "no_workers"
    NOT_FOUND = "not_found"
    NOT_ONBOARDED = "not_onboarded"
    ORDER_ALREADY = "order_already"
    ORDER_CHANGED = "order_changed"
    ORDER_GONE = "order_gone"
    ORDER_NOT_FOUND = "order_not_found"
    ORDER_NOT_OFFERED = "order_not_offered"
    ORDER_TAKEN = "order_taken"
    ORDER_TRANSITION = "order_transition"
    ORDER_UNCHANGED = "order_unchanged"
    ORDER_YOURS = "order_yours"
    ORG_PENDING_DELETION = "org_pending_deletion"
    ORG_READ_ONLY = "org_read_only"
    PAYMENT_FORGED = "payment_forged"
    PAYMENT_MISMATCH = "payment_mismatch"
    PAYMENT_UNAVAILABLE = "payment_unavailable"
    PAYMENT_UNKNOWN = "payment_unknown"
    POLICY_NOTICE_TOO_SHORT = "policy_notice_too_short"  # privacy policy versions
    POLICY_UNKNOWN = "policy_unknown"
    INTAKE_ORIGIN_INVALID = "intake_origin_invalid"  # website intake (core/intake)
    DESCRIPTION_EMPTY = "description_empty"
    INTAKE_ORIGINS_TOO_MANY = "intake_origins_too_many"
    PHONE_INCOMPLETE = "phone_incomplete"
    PHONE_INVALID = "phone_invalid"
    PHOTOS_REQUIRED = "photos_required"
    PHOTOS_RULE_RANGE = "photos_rule_range"
    CHECKLIST_ITEMS_RANGE = "checklist_items_range"  # checklists (core/checklists)
    CHECKLIST_NUMBER = "checklist_number"
    CHECKLIST_PHOTO = "checklist_photo"
    CHECKLIST_CLOSED = "checklist_closed"
    CHECKLIST_ITEM_TEXT = "checklist_item_text"
    CHECKLIST_ITEM_UNIT = "checklist_item_unit"
    CHECKLIST_INCOMPLETE = "checklist_incomplete"
    CHECKLIST_INCOMPLETE_PHOTOS = "checklist_incomplete_photos"
    SIGNATURE_INVALID = "signature_invalid"
    ACCEPTANCE_NOT_DONE = "acceptance_not_done"
    ACCEPTANCE_NAME = "acceptance_name"
    ALREADY_ACCEPTED = "already_accepted"
    ACCEPTANCE_NO_PAGE = "acceptance_no_page"
    PERIOD_RANGE = "period_range"  # the Numbers page (core/numbers)
    PLAN_AI_QUOTA = "plan_ai_quota"
    PLAN_INVALID = "plan_invalid"
    PLAN_MEMBERS_LIMIT = "plan_members_limit"
    PLAN_ORDERS_LIMIT = "plan_orders_limit"
    PLAN_TRANSCRIPTION_QUOTA = "plan_transcription_quota"
    RATING_DELAY_RANGE = "rating_delay_range"
    REFUND_TOO_MUCH = "refund_too_much"
    REFUND_UNAVAILABLE = "refund_unavailable"
    RECORDING_OFF = "recording_off"
    RECORDING_UNCONFIRMED = "recording_unconfirmed"
    REMINDER_RANGE = "reminder_range"
    RETENTION_CHOICE = "retention_choice"
    SEARCH_EMPTY = "search_empty"
    SERIES_ALREADY = "series_already"  # recurring series (core/recurring)
    SERIES_CHANGED = "series_changed"
    SERIES_COUNT_RANGE = "series_count_range"
    SERIES_DAYS_INVALID = "series_days_invalid"
    SERIES_END_INVALID = "series_end_invalid"
    SERIES_GONE = "series_gone"
    SERIES_HORIZON_RANGE = "series_horizon_range"
    SERIES_INTERVAL_RANGE = "series_interval_range"
    SERIES_NOT_ACTIVE = "series_not_active"
    SERIES_NOT_OPEN = "series_not_open"
    SERIES_NOT_PAUSED = "series_not_paused"
    SERIES_UNSCHEDULED = "series_unscheduled"
    SESSION_INVALID = "session_invalid"
    SIGN_IN_INVALID = "sign_in_invalid"
    SOLE_OWNER = "sole_owner"
    TEMPLATE_BRACES = "template_braces"
    TEMPLATE_EMPTY = "template_empty"
    TEMPLATE_MISSING_VARIABLE = "template_missing_variable"
    TEMPLATE_TOO_LONG = "template_too_long"
    TEMPLATE_UNKNOWN_VARIABLE = "template_unknown_variable"
    TEXT_TOO_LONG = "text_too_long"
    TIME_INVALID = "time_invalid"
    TIME_OF_DAY_INVALID = "time_of_day_invalid"
    TIME_PAST = "time_past"
    TIMEZONE_INVALID = "timezone_invalid"
    TOKEN_INVALID = "token_invalid"
    VOICE_ALREADY_HANDLED = "voice_already_handled"
    VOICE_TOO_LONG = "voice_too_long"
    # the services catalogue and line items (core/catalogue)
    APPROVAL_DECLINED = "approval_declined"
    APPROVAL_PENDING = "approval_pending"
    CATALOGUE_FULL = "catalogue_full"
    LINE_DISCOUNT_RANGE = "line_discount_range"
    LINE_GONE = "line_gone"
    LINE_INVALID = "line_invalid"
    LINES_DONE = "lines_done"
    LINES_TOO_MANY = "lines_too_many"
    PRICE_IS_LINES = "price_is_lines"
    QUANTITY_RANGE = "quantity_range"
    UNIT_TOO_LONG = "unit_too_long"
    VAT_RATE_INVALID = "vat_rate_invalid"
    INN_INVALID = "inn_invalid"  # invoice details (core/invoices/requisites.py)
    KPP_INVALID = "kpp_invalid"
    BIK_INVALID = "bik_invalid"
    ACCOUNT_INVALID = "account_invalid"
    OGRN_INVALID = "ogrn_invalid"  # business clients (core/companies)
    COMPANY_QUERY_INVALID = "company_query_invalid"
    COMPANY_NAME_EMPTY = "company_name_empty"
    COMPANY_NOT_FOUND = "company_not_found"
    DADATA_NOT_CONFIGURED = "dadata_not_configured"
    DADATA_REFUSED = "dadata_refused"
    DADATA_BUSY = "dadata_busy"
    DADATA_UNAVAILABLE = "dadata_unavailable"
    SECOND_FACTOR_PENDING = "second_factor_pending"  # the web sign-in's second factor
    SECOND_FACTOR_SETUP = "second_factor_setup"
    SECOND_FACTOR_NOT_FRESH = "second_factor_not_fresh"
    SECOND_FACTOR_NONE = "second_factor_none"
    SECOND_FACTOR_REQUIRED_OWNER = "second_factor_required_owner"
    SECOND_FACTOR_YOURS_FIRST = "second_factor_yours_first"
    TOTP_EXISTS = "totp_exists"
    TOTP_NOT_STARTED = "totp_not_started"
    PASSKEY_EXPIRED = "passkey_expired"
    PASSKEY_INVALID = "passkey_invalid"
    PASSKEY_EXISTS = "passkey_exists"
    QUOTE_ALREADY = "quote_already"  # quotes (core/quotes)
    QUOTE_EXPIRED = "quote_expired"
    QUOTE_NO_LINES = "quote_no_lines"
    QUOTE_NOT_SENT = "quote_not_sent"
    QUOTE_SLOT_TAKEN = "quote_slot_taken"
    QUOTE_VALID_FAR = "quote_valid_far"
    QUOTE_VALID_PAST = "quote_valid_past"
    QUOTE_CLIENT_NONE = "quote_client_none"


class DomainError(Exception):
    """A rule said no. `code` is stable and translated by the handlers; `params` fill it in.
    An unknown code is a programming error and fails at once (ValueError)."""

    def __init__(self, code: ErrorCode | str, **params: Any) -> None:
        super().__init__(code)
        self.code = ErrorCode(code)
        self.params = params

    def __repr__(self) -> str:
        return f"DomainError({self.code!r})"


class ConcurrencyConflict(Exception):
    """Another process changed the same row first; the caller may retry or report a no-op."""


class DuplicateUpdate(Exception):
    """This Telegram update was already applied by this or another process."""


class ExternalServiceError(Exception):
    """An outside service failed. `retryable` says whether trying again later may help
    (timeouts, 429, 5xx) or not (bad credentials, a request it will always refuse)."""

    def __init__(self, service: str, reason: str, retryable: bool = True) -> None:
        super().__init__(f"{service}: {reason}")
        self.service = service
        self.reason = reason
        self.retryable = retryable
