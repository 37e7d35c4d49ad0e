"""File rules: type by content (not name or declared type), size limits, object keys."""

from __future__ import annotations

import gzip
import io
import random
import re
import struct
import zipfile
import zlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.errors import DomainError
from core.files import rules as files
from core.files.rules import (
    MB,
    FileKind,
    accept,
    check_size,
    detect,
    object_key,
    safe_key,
    safe_prefix,
    sha256,
)


def png_1x1() -> bytes:
    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body)
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)  # 1×1, 8-bit greyscale
    pixels = zlib.compress(b"\x00\x7f")  # filter byte, one grey pixel
    chunks = [(b"IHDR", header), (b"IDAT", pixels), (b"IEND", b"")]
    return b"\x89PNG\r\n\x1a\n" + b"".join(chunk(kind, body) for kind, body in chunks)


PNG = png_1x1()
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\xff\xd9"
GIF = b"GIF89a\x01\x00\x01\x00\x00\x00\x00;"
WEBP = b"RIFF\x1a\x00\x00\x00WEBPVP8L\x0d\x00\x00\x00/\x00\x00\x00\x10\x07\x10\x11\x11\x88\x88"
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)
WAV = b"RIFF\x24\x00\x00\x00WAVEfmt \x10\x00\x00\x00\x01\x00\x01\x00" + bytes(20)
WEBM = b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\x82\x84webm" + bytes(16)
MP3_ID3 = b"ID3\x04\x00\x00\x00\x00\x00\x00" + b"\xff\xfb\x90\x64" + bytes(100)
MP3_FRAME = b"\xff\xfb\x90\x64" + bytes(413)
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + bytes(48) + b"PE\x00\x00"
ELF = b"\x7fELF\x02\x01\x01\x00" + bytes(56)
MACH_O = b"\xcf\xfa\xed\xfe\x07\x00\x00\x01" + bytes(24)


def ftyp(major: bytes, *compatible: bytes) -> bytes:
    body = major + b"\x00\x00\x00\x00" + b"".join(compatible)
    return struct.pack(">I", 8 + len(body)) + b"ftyp" + body + b"\x00\x00\x00\x08free"


def ogg(first_packet: bytes) -> bytes:
    header = b"OggS\x00\x02" + bytes(8) + b"\x01\x00\x00\x00" + bytes(8)
    return header + bytes([1, len(first_packet)]) + first_packet


OPUS = ogg(b"OpusHead\x01\x01\x38\x01\x80\xbb\x00\x00\x00\x00\x00")
VORBIS = ogg(b"\x01vorbis" + bytes(22))


def zipped(entries: dict[str, bytes], stored_first: bool = False) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for index, (name, body) in enumerate(entries.items()):
            method = zipfile.ZIP_STORED if stored_first and index == 0 else zipfile.ZIP_DEFLATED
            archive.writestr(name, body, compress_type=method)
    return buffer.getvalue()


def ooxml(folder: str, *extra: str) -> bytes:
    entries = {"[Content_Types].xml": b"<Types/>", "_rels/.rels": b"<Relationships/>"}
    entries[f"{folder}/document.xml"] = b"<document/>"
    entries.update({name: b"x" for name in extra})
    return zipped(entries)


def odf(kind: str) -> bytes:
    mime = f"application/vnd.oasis.opendocument.{kind}".encode()
    return zipped({"mimetype": mime, "content.xml": b"<office/>"}, stored_first=True)


ACCEPTED = [
    (PNG, "image/png", "png", FileKind.PHOTO),
    (JPEG, "image/jpeg", "jpg", FileKind.PHOTO),
    (GIF, "image/gif", "gif", FileKind.PHOTO),
    (WEBP, "image/webp", "webp", FileKind.PHOTO),
    (ftyp(b"heic", b"mif1", b"heic"), "image/heic", "heic", FileKind.PHOTO),
    (ftyp(b"mif1", b"heic"), "image/heif", "heif", FileKind.PHOTO),
    (PDF, "application/pdf", "pdf", FileKind.DOCUMENT),
    (ooxml("word"), files.DOCX.mime, "docx", FileKind.DOCUMENT),
    (ooxml("xl"), files.XLSX.mime, "xlsx", FileKind.DOCUMENT),
    (ooxml("ppt"), files.PPTX.mime, "pptx", FileKind.DOCUMENT),
    (odf("text"), "application/vnd.oasis.opendocument.text", "odt", FileKind.DOCUMENT),
    (odf("spreadsheet"), files.ODS.mime, "ods", FileKind.DOCUMENT),
    (OLE2 + "WordDocument".encode("utf-16-le"), "application/msword", "doc", FileKind.DOCUMENT),
    (OLE2 + "Workbook".encode("utf-16-le"), "application/vnd.ms-excel", "xls", FileKind.DOCUMENT),
    ("Позвонить до 10:00\n".encode(), "text/plain; charset=utf-8", "txt", FileKind.DOCUMENT),
    (OPUS, "audio/ogg", "ogg", FileKind.VOICE),
    (VORBIS, "audio/ogg", "ogg", FileKind.AUDIO),
    (MP3_ID3, "audio/mpeg", "mp3", FileKind.AUDIO),
    (MP3_FRAME, "audio/mpeg", "mp3", FileKind.AUDIO),
    (ftyp(b"M4A ", b"M4A ", b"mp42", b"isom"), "audio/mp4", "m4a", FileKind.AUDIO),
    (ftyp(b"isom", b"isom", b"iso2", b"avc1", b"mp41"), "video/mp4", "mp4", FileKind.VIDEO_NOTE),
    (WAV, "audio/wav", "wav", FileKind.AUDIO),
    (WEBM, "audio/webm", "webm", FileKind.AUDIO),
]


@pytest.mark.parametrize(("data", "mime", "extension", "kind"), ACCEPTED)
def test_accepted_types_are_recognised_by_content(data, mime, extension, kind):
    found = detect(data, None, None)
    assert (found.mime, found.extension, found.kind) == (mime, extension, kind)
    assert accept(data, "application/octet-stream", "upload.bin") == found


REFUSED = {
    "exe named .jpg": (EXE, "image/jpeg", "holiday.jpg"),
    "elf named .pdf": (ELF, "application/pdf", "invoice.pdf"),
    "mach-o": (MACH_O, None, "report.docx"),
    "shell script": (b"#!/bin/sh\nrm -rf ~\n", "text/plain", "notes.txt"),
    "script after a BOM": (b"\xef\xbb\xbf#!/usr/bin/env python\n", None, "notes.txt"),
    "plain zip": (zipped({"photo.jpg": JPEG, "run.exe": EXE}), "application/zip", "a.docx"),
    "docx with macros": (ooxml("word", "word/vbaProject.bin"), None, "contract.docx"),
    "zip with content types only": (ooxml("other"), None, "x.docx"),
    "broken zip": (b"PK\x03\x04" + bytes(40), None, "x.xlsx"),
    "ole2 installer": (OLE2 + "SummaryInformation".encode("utf-16-le"), None, "setup.doc"),
    "doc with macros": (OLE2 + "WordDocument_VBA_PROJECT".encode("utf-16-le"), None, "a.doc"),
    "gzip": (gzip.compress(b"hello"), None, "a.txt"),
    "rar": (b"Rar!\x1a\x07\x01\x00" + bytes(20), None, "a.pdf"),
    "7z": (b"7z\xbc\xaf\x27\x1c" + bytes(20), None, "a.pdf"),
    "avif": (ftyp(b"avif", b"mif1", b"avif"), "image/heic", "a.heic"),
    "mif1 with avif": (ftyp(b"mif1", b"avif"), "image/heif", "a.heif"),
    "unknown ftyp brand": (ftyp(b"crx "), None, "a.mp4"),
    "avi": (b"RIFF\x24\x00\x00\x00AVI LIST" + bytes(20), None, "a.wav"),
    "ogg theora": (ogg(b"\x80theora" + bytes(20)), None, "a.ogg"),
    "text with NUL": (b"name\x00phone\n", "text/plain", "a.txt"),
    "utf-16 text": ("привет".encode("utf-16"), "text/plain", "a.txt"),
    "latin-1 text": ("café".encode("latin-1"), "text/plain", "a.txt"),
    "random bytes": (random.Random(7).randbytes(4096), None, "data.bin"),
    "empty": (b"", "image/png", "empty.png"),
}


@pytest.mark.parametrize(("data", "mime", "name"), REFUSED.values(), ids=REFUSED.keys())
def test_refused_types_whatever_the_name_says(data, mime, name):
    with pytest.raises(DomainError) as refused:
        accept(data, mime, name)
    assert refused.value.code == "file_type_refused"
    assert refused.value.params == {"name": name}


def test_refusal_without_a_name():
    with pytest.raises(DomainError) as refused:
        detect(EXE, None, None)
    assert refused.value.params == {"name": ""}


def test_a_lying_extension_is_judged_by_content():
    assert detect(PNG, "application/pdf", "invoice.pdf") == files.PNG
    assert detect(PDF, "image/jpeg", "photo.jpg") == files.PDF
    assert detect(JPEG, "audio/ogg", "voice.ogg").kind is FileKind.PHOTO


def test_name_and_declared_type_only_break_ties_between_safe_readings():
    table = "name,phone\nИван,+79161234567\n".encode()
    assert detect(table, None, "clients.CSV") == files.CSV
    assert detect(table, "text/csv; charset=utf-8", None) == files.CSV
    assert detect(table, None, "clients.txt") == files.TEXT
    mp4 = ftyp(b"mp42", b"isom")
    assert detect(mp4, None, None) == files.MP4
    assert detect(mp4, "audio/mp4", "song.m4a") == files.M4A
    assert detect(WEBM, "video/webm", None) == files.WEBM_VIDEO


def test_photo_limit_at_the_boundary():
    at_limit = PNG + bytes(10 * MB - len(PNG))
    assert accept(at_limit, None, None) == files.PNG
    with pytest.raises(DomainError) as too_large:
        accept(at_limit + b"\x00", None, None)
    assert too_large.value.code == "file_too_large"
    assert too_large.value.params == {"limit_mb": 10, "size_mb": 10.0}


@pytest.mark.parametrize("file_type", [files.PDF, files.OPUS, files.MP3, files.MP4])
def test_documents_and_recordings_limit_at_the_boundary(file_type):
    check_size(file_type, 20 * MB)
    with pytest.raises(DomainError) as too_large:
        check_size(file_type, 20 * MB + 1)
    assert too_large.value.params == {"limit_mb": 20, "size_mb": 20.0}


def test_text_has_a_smaller_limit():
    check_size(files.CSV, 5 * MB)
    with pytest.raises(DomainError) as too_large:
        accept(b"a" * (5 * MB + 1), None, "big.txt")
    assert too_large.value.params == {"limit_mb": 5, "size_mb": 5.0}


def test_anything_above_twenty_megabytes_is_too_large_before_sniffing():
    with pytest.raises(DomainError) as too_large:
        accept(EXE + bytes(25 * MB), None, "setup.exe")
    assert too_large.value.code == "file_too_large"
    assert too_large.value.params == {"limit_mb": 20, "size_mb": 25.0}


DIGEST = sha256(PNG)


def test_object_key_shape():
    assert re.fullmatch(r"[0-9a-f]{64}", DIGEST)
    assert object_key(12, 345, DIGEST, "jpg") == f"org/12/order/345/{DIGEST[:2]}/{DIGEST}.jpg"
    assert object_key(12, None, DIGEST, ".PNG") == f"org/12/unfiled/{DIGEST[:2]}/{DIGEST}.png"


def test_same_bytes_same_key_and_different_bytes_different_key():
    first = files.file_key(7, 1, PNG, detect(PNG))
    assert first == files.file_key(7, 1, bytes(PNG), detect(PNG))
    assert first.endswith(".png")
    assert first != files.file_key(7, 1, PNG + b"\x00", detect(PNG))
    assert first != files.file_key(8, 1, PNG, detect(PNG))
    assert first != files.file_key(7, None, PNG, detect(PNG))


def test_object_key_refuses_bad_parts():
    for org_id, order_id in [(0, 1), (-3, 1), (True, 1), (1, 0), (1, -1)]:
        with pytest.raises(ValueError):
            object_key(org_id, order_id, DIGEST, "jpg")
    for digest in [DIGEST[:-1], "../" + DIGEST[3:], DIGEST + "0", ""]:
        with pytest.raises(ValueError):
            object_key(1, 1, digest, "jpg")
    for extension in ["../jpg", "jp/g", "", "jpg\x00", "verylongextension"]:
        with pytest.raises(ValueError):
            object_key(1, None, DIGEST, extension)


@pytest.mark.parametrize(
    "key",
    [
        "",
        "/etc/passwd",
        "../secret",
        "org/1/../../secret",
        "org/./1",
        "org//1",
        "org/1/",
        "org\\1",
        "org/1\x00.jpg",
        "org/1\n.jpg",
        "C:/windows",
        "a" * 513,
    ],
)
def test_unsafe_keys_are_refused(key):
    with pytest.raises(ValueError):
        safe_key(key)


def test_safe_keys_and_prefixes_pass_unchanged():
    key = object_key(1, 2, DIGEST, "pdf")
    assert safe_key(key) == key
    assert safe_prefix("") == ""
    assert safe_prefix("org/1/") == "org/1/"
    assert safe_prefix("org/1") == "org/1"
    for prefix in ("/", "../", "org//", "org/../"):
        with pytest.raises(ValueError):
            safe_prefix(prefix)


@given(st.binary(max_size=2048), st.text(max_size=20), st.text(max_size=20))
def test_any_bytes_are_accepted_or_refused_never_crash(data, mime, name):
    for payload in (data, b"PK\x03\x04" + data, OLE2[:8] + data, b"\x00\x00\x00\x20ftyp" + data):
        try:
            found = accept(payload, mime, name)
        except DomainError as refused:
            assert refused.code == "file_type_refused"
        else:
            assert found.kind in FileKind


@given(st.binary(), st.integers(1, 10**9), st.none() | st.integers(1, 10**9))
def test_every_object_key_is_safe(data, org_id, order_id):
    key = object_key(org_id, order_id, sha256(data), "jpg")
    assert safe_key(key) == key
    assert re.fullmatch(r"org/\d+/(order/\d+|unfiled)/[0-9a-f]{2}/[0-9a-f]{64}\.jpg", key)
