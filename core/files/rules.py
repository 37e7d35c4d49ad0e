"""File kinds, content sniffing, size rules and content-addressed object keys.

The type of a file is decided by its bytes (magic numbers, container structure), never by its
name or by the MIME type the sender declared: a `.jpg` that is really an executable is refused,
a `.pdf` that is really a PNG is accepted as a PNG. The name and the declared type only break
ties between readings that are equally safe: CSV or plain text, and whether an MP4 or WebM
container is a recording (audio) or a video note.

Objects are stored under content-addressed keys scoped by organization and order, so the same
bytes always land on the same key and an upload can be repeated safely.
"""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
import zlib
from dataclasses import dataclass
from enum import StrEnum

from core.errors import DomainError

MB = 1024 * 1024


class FileKind(StrEnum):
    PHOTO = "photo"
    DOCUMENT = "document"
    VOICE = "voice"
    AUDIO = "audio"
    VIDEO_NOTE = "video_note"


# Telegram's cloud Bot API downloads at most 20 MB, so nothing larger can reach us anyway.
SIZE_LIMITS: dict[FileKind, int] = {
    FileKind.PHOTO: 10 * MB,
    FileKind.DOCUMENT: 20 * MB,
    FileKind.VOICE: 20 * MB,
    FileKind.AUDIO: 20 * MB,
    FileKind.VIDEO_NOTE: 20 * MB,
}
TEXT_LIMIT = 5 * MB
MAX_SIZE = max(SIZE_LIMITS.values())


@dataclass(frozen=True, slots=True)
class FileType:
    """What the bytes really are: the kind, the MIME type to store, the canonical extension."""

    kind: FileKind
    mime: str
    extension: str

    @property
    def limit(self) -> int:
        """The largest accepted size in bytes (plain text has a smaller limit of its own)."""
        return TEXT_LIMIT if self.mime.startswith("text/") else SIZE_LIMITS[self.kind]


_P, _D, _A = FileKind.PHOTO, FileKind.DOCUMENT, FileKind.AUDIO
_OOXML = "application/vnd.openxmlformats-officedocument."
_ODF = "application/vnd.oasis.opendocument."

JPEG = FileType(_P, "image/jpeg", "jpg")
PNG = FileType(_P, "image/png", "png")
GIF = FileType(_P, "image/gif", "gif")
WEBP = FileType(_P, "image/webp", "webp")
HEIC = FileType(_P, "image/heic", "heic")
HEIF = FileType(_P, "image/heif", "heif")
PDF = FileType(_D, "application/pdf", "pdf")
DOCX = FileType(_D, _OOXML + "wordprocessingml.document", "docx")
XLSX = FileType(_D, _OOXML + "spreadsheetml.sheet", "xlsx")
PPTX = FileType(_D, _OOXML + "presentationml.presentation", "pptx")
DOC = FileType(_D, "application/msword", "doc")
XLS = FileType(_D, "application/vnd.ms-excel", "xls")
PPT = FileType(_D, "application/vnd.ms-powerpoint", "ppt")
ODT = FileType(_D, _ODF + "text", "odt")
ODS = FileType(_D, _ODF + "spreadsheet", "ods")
ODP = FileType(_D, _ODF + "presentation", "odp")
TEXT = FileType(_D, "text/plain; charset=utf-8", "txt")
CSV = FileType(_D, "text/csv; charset=utf-8", "csv")
OPUS = FileType(FileKind.VOICE, "audio/ogg", "ogg")
OGG = FileType(_A, "audio/ogg", "ogg")
MP3 = FileType(_A, "audio/mpeg", "mp3")
M4A = FileType(_A, "audio/mp4", "m4a")
MP4 = FileType(FileKind.VIDEO_NOTE, "video/mp4", "mp4")
WAV = FileType(_A, "audio/wav", "wav")
WEBM_AUDIO = FileType(_A, "audio/webm", "webm")
WEBM_VIDEO = FileType(FileKind.VIDEO_NOTE, "video/webm", "webm")

# Executables (PE, ELF, scripts, WebAssembly, DEX, Mach-O) and archives: always refused.
_EXECUTABLES = (b"MZ", b"\x7fELF", b"#!", b"\xef\xbb\xbf#!", b"\x00asm", b"dex\n")
_MACH_O = (b"\xfe\xed\xfa\xce", b"\xfe\xed\xfa\xcf", b"\xce\xfa\xed\xfe", b"\xcf\xfa\xed\xfe")
_ARCHIVES = (b"Rar!\x1a\x07", b"7z\xbc\xaf\x27\x1c", b"\x1f\x8b", b"BZh", b"\xfd7zXZ\x00", b"MSCF")
_REFUSED = (*_EXECUTABLES, *_MACH_O, b"\xca\xfe\xba\xbe", *_ARCHIVES, b"\x28\xb5\x2f\xfd")
_IMAGES = ((b"\xff\xd8\xff", JPEG), (b"\x89PNG\r\n\x1a\n", PNG), (b"GIF87a", GIF))
_SIMPLE = (*_IMAGES, (b"GIF89a", GIF), (b"%PDF-", PDF))
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_OLE_STREAMS = (("WordDocument", DOC), ("Workbook", XLS), ("PowerPoint Document", PPT))
_OOXML_FOLDERS = (("word/", DOCX), ("xl/", XLSX), ("ppt/", PPTX))
_ODF_TYPES = {t.mime: t for t in (ODT, ODS, ODP)}
_HEIC_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis"}
_M4A_BRANDS = {b"M4A ", b"M4B "}
_MP4_BRANDS = {b"isom", b"iso2", b"iso4", b"iso5", b"iso6", b"mp41", b"mp42", b"avc1", b"dash"}
_MP4_BRANDS |= {b"M4V ", b"3gp4", b"3gp5", b"3gp6", b"3g2a", b"qt  ", b"MSNV"}
_CONTROL = re.compile(rb"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_ZIP_ERRORS = (zipfile.BadZipFile, zlib.error, RuntimeError, NotImplementedError, EOFError)


def detect(
    data: bytes, declared_mime: str | None = None, file_name: str | None = None
) -> FileType:
    """What the bytes are; DomainError("file_type_refused") for anything not accepted."""
    declared = (declared_mime or "").partition(";")[0].strip().lower()
    found = None if data.startswith(_REFUSED) else _sniff(data, declared, file_name)
    if found is None:
        raise DomainError("file_type_refused", name=file_name or "")
    return found


def check_size(file_type: FileType, size: int) -> None:
    """DomainError("file_too_large", limit_mb=..., size_mb=...) above the type's limit."""
    if size > file_type.limit:
        raise _too_large(file_type.limit, size)


def accept(data: bytes, declared_mime: str | None, file_name: str | None) -> FileType:
    """The one call for an incoming file: its type by content, within its size limit."""
    if len(data) > MAX_SIZE:  # too large for any type: do not even look inside
        raise _too_large(MAX_SIZE, len(data))
    found = detect(data, declared_mime, file_name)
    check_size(found, len(data))
    return found


def _too_large(limit: int, size: int) -> DomainError:
    return DomainError("file_too_large", limit_mb=limit // MB, size_mb=round(size / MB, 1))


def _sniff(data: bytes, declared: str, file_name: str | None) -> FileType | None:
    for magic, file_type in _SIMPLE:
        if data.startswith(magic):
            return file_type
    if data.startswith(b"PK\x03\x04"):
        return _zip_type(data)
    if data.startswith(_OLE2):
        return _ole_type(data)
    if data[4:8] == b"ftyp":
        return _ftyp_type(data, declared)
    if data.startswith(b"RIFF"):
        return {b"WEBP": WEBP, b"WAVE": WAV}.get(data[8:12])
    if data.startswith(b"OggS"):
        return _ogg_type(data[:512])
    if data.startswith(b"\x1a\x45\xdf\xa3"):  # EBML: WebM / Matroska
        return WEBM_VIDEO if declared.startswith("video/") else WEBM_AUDIO
    if _is_mp3(data):
        return MP3
    return _text_type(data, declared, file_name)


def _zip_type(data: bytes) -> FileType | None:
    """OOXML (DOCX/XLSX/PPTX, no macros) or ODF; any other ZIP is an archive and refused."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            names = [info.filename for info in infos]
            if any(name.lower().endswith("vbaproject.bin") for name in names):
                return None
            if "[Content_Types].xml" in names:
                for folder, file_type in _OOXML_FOLDERS:
                    if any(name.startswith(folder) for name in names):
                        return file_type
                return None
            first = infos[0] if infos else None
            if first is None or first.filename != "mimetype" or first.file_size > 100:
                return None
            return _ODF_TYPES.get(archive.read(first).decode("ascii", "replace").strip())
    except _ZIP_ERRORS:
        return None


def _ole_type(data: bytes) -> FileType | None:
    """Legacy Office by its stream names; macros, installers (MSI) and the rest are refused."""
    if "_VBA_PROJECT".encode("utf-16-le") in data:
        return None
    for stream, file_type in _OLE_STREAMS:
        if stream.encode("utf-16-le") in data:
            return file_type
    return None


def _ftyp_type(data: bytes, declared: str) -> FileType | None:
    """ISO base media: HEIC/HEIF photos, M4A audio, MP4 (a video note unless declared audio)."""
    size = int.from_bytes(data[:4], "big")
    end = min(max(size, 16), len(data), 256)
    major = data[8:12]
    brands = {major} | {data[i : i + 4] for i in range(16, end - 3, 4)}
    if major in _HEIC_BRANDS:
        return HEIC
    if major in {b"mif1", b"msf1"}:
        return None if brands & {b"avif", b"avis"} else HEIF
    if major in _M4A_BRANDS:
        return M4A
    if major in _MP4_BRANDS:
        return M4A if declared.startswith("audio/") else MP4
    return None


def _ogg_type(head: bytes) -> FileType | None:
    if b"OpusHead" in head:
        return OPUS
    return OGG if b"\x01vorbis" in head or b"\x7fFLAC" in head else None


def _is_mp3(data: bytes) -> bool:
    """An ID3 tag, or an MPEG audio layer III frame header at the start."""
    if data.startswith(b"ID3"):
        return True
    if len(data) < 3 or data[0] != 0xFF or data[1] & 0xE0 != 0xE0:
        return False
    version, layer = (data[1] >> 3) & 3, (data[1] >> 1) & 3
    bitrate, rate = data[2] >> 4, (data[2] >> 2) & 3
    return version != 1 and layer == 1 and bitrate not in (0, 15) and rate != 3


def _text_type(data: bytes, declared: str, file_name: str | None) -> FileType | None:
    """UTF-8 without NULs or other binary control characters: CSV when so named, else text."""
    if not data or _CONTROL.search(data):
        return None
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    is_csv = declared == "text/csv" or (file_name or "").lower().endswith(".csv")
    return CSV if is_csv else TEXT


def sha256(data: bytes) -> str:
    """The lowercase hex SHA-256 of the bytes, the content address of a file."""
    return hashlib.sha256(data).hexdigest()


_HEX64 = re.compile(r"[0-9a-f]{64}")
_EXTENSION = re.compile(r"[a-z0-9]{1,10}")
_KEY_MAX = 512


def object_key(org_id: int, order_id: int | None, sha256_hex: str, extension: str) -> str:
    """`org/12/order/345/ab/ab…ef.jpg`, or `org/12/unfiled/ab/ab…ef.jpg` without an order."""
    digest, ext = sha256_hex.lower(), extension.lower().removeprefix(".")
    if not _positive(org_id) or not (order_id is None or _positive(order_id)):
        raise ValueError("organization and order ids must be positive integers")
    if not _HEX64.fullmatch(digest) or not _EXTENSION.fullmatch(ext):
        raise ValueError("expected a SHA-256 hex digest and a short alphanumeric extension")
    folder = "unfiled" if order_id is None else f"order/{order_id}"
    return f"org/{org_id}/{folder}/{digest[:2]}/{digest}.{ext}"


def file_key(org_id: int, order_id: int | None, data: bytes, file_type: FileType) -> str:
    """The object key for these bytes of this detected type."""
    return object_key(org_id, order_id, sha256(data), file_type.extension)


def _positive(value: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value > 0


def safe_key(key: str) -> str:
    """The key unchanged if it is a plain relative path; ValueError if it could escape a folder.

    Refused: empty, too long, absolute, backslashes, colons, control characters (NUL included),
    and empty, `.` or `..` segments.
    """
    _check_path(key, "key")
    return key


def safe_prefix(prefix: str) -> str:
    """A listing prefix: empty, or a safe key that may end with one `/`."""
    if prefix:
        _check_path(prefix.removesuffix("/"), "prefix")
    return prefix


def _check_path(text: str, what: str) -> None:
    if not text or len(text) > _KEY_MAX or text.startswith("/"):
        raise ValueError(f"unsafe {what}: empty, too long or absolute")
    if any(ch in "\\:" or ord(ch) < 0x20 or ch == "\x7f" for ch in text):
        raise ValueError(f"unsafe {what}: backslash, colon or control character")
    if any(part in ("", ".", "..") for part in text.split("/")):
        raise ValueError(f"unsafe {what}: empty, '.' or '..' segment")
