"""Phone numbers as people type them, turned into E.164 with `phonenumbers` (libphonenumber).

The library does the hard part (national prefixes such as the Russian `8`, country codes,
number ranges); this module only cleans what it chokes on (thin spaces, en dashes, zero-width
and direction marks pasted from other apps: `core.phones.clean_phone_text`) and refuses
anything with letters, because the library would otherwise read `1-800-FLOWERS` as digits or
quietly drop an `ext. 12`.
"""

from __future__ import annotations

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberFormat

from core.phones import clean_phone_text

__all__ = ["PhonenumbersNormalizer", "clean_phone_text"]

# Longer input is not a phone number; the library itself gives up at 250 characters.
MAX_INPUT = 64


class PhonenumbersNormalizer:
    """`core.ports.PhoneNormalizer` on top of Google's libphonenumber metadata."""

    def normalize(self, text: str, country: str) -> str | None:
        """E.164 for a valid number; `country` (ISO 3166 alpha-2) decides numbers without `+`."""
        cleaned = clean_phone_text(text)
        if not cleaned or len(cleaned) > MAX_INPUT or any(c.isalpha() for c in cleaned):
            return None
        try:
            number = phonenumbers.parse(cleaned, country.strip().upper() or None)
        except NumberParseException:
            return None
        if not phonenumbers.is_valid_number(number):
            return None
        return phonenumbers.format_number(number, PhoneNumberFormat.E164)
