"""Sizes in messages are written the way the reader's language writes decimals."""

import pytest

from core.errors import DomainError
from core.privacy.model import ExportFile, ExportReady
from handlers.errors import describe
from handlers.formatting import megabytes
from handlers.i18n import Catalogs
from handlers.privacy.exports import ready_text

MB = 1024 * 1024


@pytest.mark.parametrize(
    ("language", "size", "written"),
    [
        ("ru", 2 * MB + MB // 2, "2,5"),
        ("en", 2 * MB + MB // 2, "2.5"),
        ("ru", 1500 * MB, "1\xa0500,0"),
        ("ru", 2048, "0,1"),  # a small file is not "0,0 MB"
        ("en", 0, "0.0"),
    ],
)
def test_megabytes_follow_the_language(language, size, written):
    assert megabytes(Catalogs().get(language), size) == written


def test_a_small_export_is_not_zero_megabytes_in_russian():
    ready = ExportReady(ExportFile("/tmp/x.zip", "x.zip", 20_000))
    assert ready_text(Catalogs().get("ru"), ready) == "✅ Выгрузка готова (0,1 МБ)."


@pytest.mark.parametrize(
    ("language", "written"),
    [
        ("ru", "Этот файл весит 2,5 МБ, а можно не больше 20 МБ."),
        ("en", "This file is 2.5 MB; the limit is 20 MB."),
    ],
)
def test_a_file_too_large_is_sized_in_the_readers_decimals(language, written):
    error = DomainError("file_too_large", limit_mb=20, size_mb=2.5)
    assert describe(Catalogs().get(language), error) == written
