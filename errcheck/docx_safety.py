"""Read .docx files without letting a zip bomb in: the one guard used by the web service
(``POST /v1/extract``) and the archive scanner (``errcheck scan``).

A .docx is a zip of XML parts. python-docx inflates every member completely before
anything can look at sizes, and ``zipfile``'s ``read()`` of a member decompresses all of
its compressed bytes in one go whatever its header declares. A 156 KB upload of empty
paragraphs inflated to gigabytes of XML and lxml objects. Here, before python-docx sees
anything:

1. the zip's central directory is checked: at most ``max_members`` members, each
   stored or deflated (no encryption, no bzip2/lzma), each declaring at most
   ``max_member_bytes`` uncompressed, together at most ``max_total_bytes``, and no
   member larger than ``ratio_floor_bytes`` inflating more than ``max_ratio`` times;
2. every member is read with a *bounded* read (never more than its declared size + 1
   bytes is inflated), so a header that lies about the size cannot inflate more than the
   cap: a member whose data is longer than declared is refused;
3. the XML parts are scanned for their number of elements (``max_xml_elements``) and
   paragraphs (``max_paragraphs``) before any XML is parsed;
4. python-docx then opens an in-memory copy made of the verified members only (stored,
   not compressed), and the extraction stops at ``max_chars`` characters.

Whatever is refused raises `DocxRejected`, whose ``str()`` is the reason and whose
``too_large`` tells a size limit (HTTP 413) from a damaged file (400/422).
Peak memory is bounded by about twice ``max_total_bytes`` plus the parsed XML of at most
``max_xml_elements`` elements.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass

__all__ = ["DocxLimits", "DocxRejected", "DEFAULT_LIMITS", "safe_document", "docx_paragraphs", "docx_paragraphs_and_title",
           "verified_members"]

MiB = 1024 * 1024


@dataclass(frozen=True)
class DocxLimits:
    max_members: int = 1000
    max_member_bytes: int = 32 * MiB
    max_total_bytes: int = 64 * MiB
    #: uncompressed / compressed size above which a member is a bomb ...
    max_ratio: float = 100.0
    #: ... when it inflates to more than this (small parts may compress very well)
    ratio_floor_bytes: int = 1 * MiB
    max_xml_elements: int = 300_000
    max_paragraphs: int = 50_000
    max_chars: int = 5_000_000


DEFAULT_LIMITS = DocxLimits()


class DocxRejected(ValueError):
    """A .docx that is refused before or while it is read; ``str()`` is the reason."""

    def __init__(self, reason: str, too_large: bool = True) -> None:
        super().__init__(reason)
        self.reason = reason
        self.too_large = too_large


_XML_NAME = re.compile(r"\.(xml|rels)$", re.IGNORECASE)
_ELEMENT = re.compile(rb"<[A-Za-z_]")
_PARAGRAPH = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?p[\s/>]")
_READ_CHUNK = 1 * MiB


def _mib(n: int) -> str:
    return f"{n / MiB:.1f} MiB" if n >= MiB else f"{n:,} bytes"


def verified_members(data: bytes, limits: DocxLimits = DEFAULT_LIMITS) -> list[tuple[zipfile.ZipInfo, bytes]]:
    """The members of the zip ``data``, each read within the limits (steps 1-3)."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError) as exc:
        raise DocxRejected(f"not a readable .docx file: {type(exc).__name__}: {exc}", too_large=False) from None
    with zf:
        infos = zf.infolist()
        if len(infos) > limits.max_members:
            raise DocxRejected(f"the .docx holds {len(infos):,} zip members (at most {limits.max_members:,})")
        declared = 0
        for info in infos:
            if info.flag_bits & 0x1:
                raise DocxRejected(f"zip member {info.filename!r} is encrypted", too_large=False)
            if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
                raise DocxRejected(f"zip member {info.filename!r} uses an unsupported compression "
                                   f"(method {info.compress_type})", too_large=False)
            if info.file_size > limits.max_member_bytes:
                raise DocxRejected(f"zip member {info.filename!r} inflates to {_mib(info.file_size)} "
                                   f"(at most {_mib(limits.max_member_bytes)} per member)")
            ratio = info.file_size / max(info.compress_size, 1)
            if info.file_size > limits.ratio_floor_bytes and ratio > limits.max_ratio:
                raise DocxRejected(f"zip member {info.filename!r} inflates {ratio:,.0f} times "
                                   f"({_mib(info.compress_size)} to {_mib(info.file_size)}; at most "
                                   f"{limits.max_ratio:,.0f} times): a zip bomb?")
            declared += info.file_size
            if declared > limits.max_total_bytes:
                raise DocxRejected(f"the .docx inflates to more than {_mib(limits.max_total_bytes)}")
        members = []
        elements = paragraphs = 0
        for info in infos:
            if info.is_dir():
                continue
            blob = _bounded_read(zf, info)
            if _XML_NAME.search(info.filename):
                elements += len(_ELEMENT.findall(blob))
                if elements > limits.max_xml_elements:
                    raise DocxRejected(f"the .docx holds more than {limits.max_xml_elements:,} XML elements")
                paragraphs += len(_PARAGRAPH.findall(blob))
                if paragraphs > limits.max_paragraphs:
                    raise DocxRejected(f"the .docx holds more than {limits.max_paragraphs:,} paragraphs")
            members.append((info, blob))
        return members


def _bounded_read(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    """The member's bytes, inflating at most its declared size + 1 byte."""
    limit = info.file_size
    chunks, total = [], 0
    try:
        with zf.open(info) as fh:
            while total <= limit:
                chunk = fh.read(min(_READ_CHUNK, limit + 1 - total))  # read(n) inflates at most n bytes
                if not chunk:
                    break
                chunks.append(chunk)
                total += len(chunk)
    except (zipfile.BadZipFile, EOFError, OSError, ValueError, RuntimeError) as exc:
        raise DocxRejected(f"not a readable .docx file: zip member {info.filename!r}: {type(exc).__name__}: {exc}",
                           too_large=False) from None
    if total > limit:  # zipfile stops at the declared size; be explicit about it anyway
        raise DocxRejected(f"zip member {info.filename!r} holds more data than its header declares")
    return b"".join(chunks)


def safe_document(data: bytes, limits: DocxLimits = DEFAULT_LIMITS):
    """A python-docx ``Document`` of ``data``, opened from the verified members only."""
    import docx  # python-docx

    members = verified_members(data, limits)
    repacked = io.BytesIO()
    with zipfile.ZipFile(repacked, "w", zipfile.ZIP_STORED) as out:
        for info, blob in members:
            out.writestr(info.filename, blob)
    del members
    repacked.seek(0)
    try:
        return docx.Document(repacked)
    except Exception as exc:  # python-docx raises several kinds for a damaged or foreign file
        raise DocxRejected(f"not a readable .docx file: {type(exc).__name__}: {exc}", too_large=False) from None


class _Budget:
    def __init__(self, limits: DocxLimits) -> None:
        self.limits, self.paragraphs, self.chars = limits, 0, 0

    def take(self, text: str) -> str:
        self.chars += len(text) + (self.paragraphs > 0)  # the text joined by newlines
        self.paragraphs += 1
        if self.paragraphs > self.limits.max_paragraphs:
            raise DocxRejected(f"the .docx holds more than {self.limits.max_paragraphs:,} paragraphs")
        if self.chars > self.limits.max_chars:
            raise DocxRejected(f"the text of the .docx exceeds {self.limits.max_chars:,} characters")
        return text


def docx_paragraphs(data: bytes, limits: DocxLimits = DEFAULT_LIMITS) -> list[str]:
    """The paragraphs of a .docx in document order: body paragraphs, and the paragraphs
    of table cells where the table stands (nested tables included, a merged cell once)."""
    return docx_paragraphs_and_title(data, limits)[0]


def docx_paragraphs_and_title(data: bytes, limits: DocxLimits = DEFAULT_LIMITS) -> tuple[list[str], str]:
    """`docx_paragraphs` and the title in the document's properties ("" if unset)."""
    from docx.table import Table

    document = safe_document(data, limits)
    try:
        title = (document.core_properties.title or "").strip()
    except Exception:  # a damaged docProps/core.xml only costs the title
        title = ""
    budget = _Budget(limits)
    paragraphs: list[str] = []

    def table(t: Table) -> None:
        seen = set()  # the cell elements themselves: an id() is reused once its proxy is freed
        for row in t.rows:
            for cell in row.cells:
                if cell._tc in seen:  # a merged cell appears once per spanned column
                    continue
                seen.add(cell._tc)
                for item in cell.iter_inner_content():
                    table(item) if isinstance(item, Table) else paragraphs.append(budget.take(item.text))

    try:
        for item in document.iter_inner_content():
            table(item) if isinstance(item, Table) else paragraphs.append(budget.take(item.text))
    except DocxRejected:
        raise
    except Exception as exc:
        raise DocxRejected(f"not a readable .docx file: {type(exc).__name__}: {exc}", too_large=False) from None
    return paragraphs, title


def docx_lines(data: bytes, limits: DocxLimits = DEFAULT_LIMITS) -> list[str]:
    """The text of a .docx as the web page shows it: body paragraphs, then one line per
    table row with its cells separated by tabs."""
    document = safe_document(data, limits)
    budget = _Budget(limits)
    try:
        lines = [budget.take(p.text) for p in document.paragraphs]
        for t in document.tables:
            for row in t.rows:
                lines.append(budget.take("\t".join(cell.text for cell in row.cells)))
    except DocxRejected:
        raise
    except Exception as exc:
        raise DocxRejected(f"not a readable .docx file: {type(exc).__name__}: {exc}", too_large=False) from None
    return lines
