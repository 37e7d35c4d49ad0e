"""A link as a QR code picture, for people who would rather scan than type."""

from __future__ import annotations

import io

import segno

SCALE = 8  # pixels per module: a link of about 60 characters makes a code of about 300 px


def qr_png(link: str) -> bytes:
    """The link as a PNG QR code, with the quiet zone scanners need."""
    out = io.BytesIO()
    segno.make_qr(link, error="m").save(out, kind="png", scale=SCALE, border=4)
    return out.getvalue()
