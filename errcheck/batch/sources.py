"""Discover and stream the documents of an archive.

Discovery (`iter_items`, in the coordinating process) is cheap and lazy: it walks
directories and reads JSONL/CSV files record by record, yielding a small `Task` per
document (a file reference, or a record's text) or a `SourceError` when a record cannot be
used. Loading (`load`, in a worker) reads and parses the document — decoding, HTML
extraction, .docx paragraphs — and returns a `Document`; a file that cannot be read or
parsed raises `DocumentError` with the reason, which the caller records. Nothing here
holds more than one record or one directory listing in memory.

Document ids: for files found under a directory, the path relative to that directory
(``/``-separated); for a file named on the command line or matched by a glob, the path
as given; for JSONL/CSV records, the value of ``--id-field``.

Loading also tells what a report shows about a document: its title (a record's
``--title-field``; HTML: the ``ArticleTitle`` meta tag, the first visible ``<h1>``, or
``<title>``; .docx: the title in its properties, else the first paragraph; text and
Markdown: the first line) and its date with where it came from (``date_source``): the
``--date-field`` value (``given``), else one inferred by `errcheck.dates.infer_date`.
"""

from __future__ import annotations

import csv
import datetime as _dt
import errno
import glob
import json
import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

#: directory files checked, by extension → kind
DOCUMENT_KINDS = {".txt": "text", ".md": "markdown", ".html": "html", ".htm": "html", ".docx": "docx"}
#: files holding one record per document
RECORD_KINDS = {".jsonl": "jsonl", ".ndjson": "jsonl", ".csv": "csv"}


@dataclass(frozen=True, slots=True)
class SourceOptions:
    id_field: str = "id"
    text_field: str = "text"
    group_field: str | None = None
    date_field: str | None = None
    title_field: str | None = None
    html: bool = False  # the text field of records holds HTML
    group_by_dir: bool = False  # files under a directory: group = first directory level
    encoding: str = "utf-8"  # or "auto": a byte-order mark, else UTF-8, else GB18030


@dataclass(frozen=True, slots=True)
class Task:
    """One document to check, as discovered (cheap to pickle)."""

    id: str
    kind: str  # text | markdown | html | docx | record
    source_path: str
    location: str  # unique per item: the file path, or "path:line" for a record
    group: str = ""
    date: str | None = None
    text: str | None = None  # a record's text (HTML when html=True)
    html: bool = False
    data: bytes | None = None  # a file's bytes, when shipped to a remote worker
    title: str | None = None  # a record's title field

    @property
    def size(self) -> int:
        return len(self.text) if self.text is not None else len(self.data or b"")


@dataclass(frozen=True, slots=True)
class SourceError:
    """A record or file that cannot be used: recorded, and the scan goes on."""

    location: str
    id: str
    source_path: str
    reason: str


@dataclass(slots=True)
class Document:
    id: str
    group: str
    date: str | None
    text: str  # the text that is checked (visible text for HTML)
    kind: str
    source_path: str
    #: ``to_source`` (HTML: text offset → source offset) or ``paragraph_starts`` (docx)
    meta: dict = field(default_factory=dict)
    title: str | None = None
    #: how ``date`` was obtained: one of `errcheck.dates.DATE_SOURCES`
    date_source: str = "none"


class DocumentError(Exception):
    """A document cannot be read or parsed; ``str()`` is the reason."""


class UsageError(ValueError):
    """A SOURCE argument that names nothing."""


# --- discovery -------------------------------------------------------------------------


def _is_glob(s: str) -> bool:
    return any(c in s for c in "*?[")


def expand_sources(sources: list[str]) -> list[tuple[str, str]]:
    """Resolve SOURCE arguments to ``(kind, path)`` with kind ``dir``, ``file`` or
    ``records``; raise `UsageError` for a source that names nothing."""
    resolved = []
    for src in sources:
        if _is_glob(src) and not os.path.exists(src):
            matches = sorted(glob.glob(src, recursive=True))
            if not matches:
                raise UsageError(f"{src}: the pattern matches no file")
            paths = matches
        elif os.path.exists(src):
            paths = [src]
        elif os.path.lexists(src):  # a link to nothing, or a loop
            try:
                os.stat(src)
                reason = "cannot be read"
            except OSError as exc:
                reason = "symbolic link loop" if exc.errno == errno.ELOOP else "dangling symbolic link"
            raise UsageError(f"{src}: {reason}")
        else:
            raise UsageError(f"{src}: no such file or directory")
        for p in paths:
            ext = os.path.splitext(p)[1].lower()
            if os.path.isdir(p):
                resolved.append(("dir", p))
            elif ext in RECORD_KINDS:
                resolved.append(("records", p))
            elif ext in DOCUMENT_KINDS or not _is_glob(src):
                resolved.append(("file", p))
    if not resolved:
        raise UsageError("no document sources")
    return resolved


def _walk(root: str, exclude: set[str]) -> Iterator[str | SourceError]:
    """The document files under ``root`` (`errcheck.inputs.walk`, shared with ``errcheck
    check``: name order, hidden entries skipped, links to directories not followed),
    skipping the real paths in ``exclude``. Every file-system step that fails yields a
    `SourceError` naming the path and the reason instead of stopping the walk."""
    from ..inputs import InputError, walk

    def keep(path: str, is_dir: bool) -> bool:
        if os.path.realpath(path) in exclude:
            return False
        return is_dir or os.path.splitext(path)[1].lower() in DOCUMENT_KINDS

    for item in walk(root, keep):
        if isinstance(item, InputError):
            shown = _display(item.path)
            same = os.path.normpath(item.path) == os.path.normpath(root)
            doc_id = shown if same else Path(os.path.relpath(item.path, root)).as_posix()
            yield SourceError(shown, doc_id, shown, item.reason)
        else:
            yield item


def _display(path: str) -> str:
    return Path(path).as_posix()


def _file_task(path: str, doc_id: str, group: str) -> Task:
    kind = DOCUMENT_KINDS.get(os.path.splitext(path)[1].lower(), "text")
    return Task(id=doc_id, kind=kind, source_path=_display(path), location=_display(path), group=group)


_DATE = re.compile(r"^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})")


def parse_date(value) -> str | None:
    """``2023-05-01``, ``2023/5/1 10:00``, ``2023年5月1日`` ... → ``2023-05-01``; empty → None."""
    if value is None or value == "":
        return None
    m = _DATE.match(str(value))
    if not m:
        raise ValueError(f"not a date: {str(value)[:40]!r}")
    try:
        return _dt.date(int(m[1]), int(m[2]), int(m[3])).isoformat()
    except ValueError:
        raise ValueError(f"not a date: {str(value)[:40]!r}") from None


def _record_task(rec, shown: str, location: str, opts: SourceOptions) -> Task | SourceError:
    if not isinstance(rec, dict):
        return SourceError(location, location, shown, f"not an object but {type(rec).__name__}")
    raw_id = rec.get(opts.id_field)
    if raw_id is None or raw_id == "":
        return SourceError(location, location, shown, f"no id field {opts.id_field!r}")
    doc_id = str(raw_id)
    text = rec.get(opts.text_field)
    if not isinstance(text, str):
        what = "missing" if text is None else f"not a string but {type(text).__name__}"
        return SourceError(location, doc_id, shown, f"text field {opts.text_field!r} {what}")
    group = ""
    if opts.group_field:
        g = rec.get(opts.group_field)
        group = "" if g is None else str(g)
    date = None
    if opts.date_field:
        try:
            date = parse_date(rec.get(opts.date_field))
        except ValueError as exc:
            return SourceError(location, doc_id, shown, f"date field {opts.date_field!r}: {exc}")
    title = None
    if opts.title_field:
        t = rec.get(opts.title_field)
        title = _short(str(t)) if t not in (None, "") else None
    return Task(id=doc_id, kind="record", source_path=shown, location=location, group=group,
                date=date, text=text, html=opts.html, title=title)


def _jsonl_items(path: str, opts: SourceOptions) -> Iterator[Task | SourceError]:
    shown = _display(path)
    try:
        fh = open(path, "rb")
    except OSError as exc:
        yield SourceError(shown, shown, shown, f"cannot read: {exc.strerror or exc}")
        return
    with fh:
        lines = enumerate(fh, 1)
        while True:
            try:
                lineno, raw = next(lines)
            except StopIteration:
                return
            except OSError as exc:
                yield SourceError(shown, shown, shown, f"cannot read: {exc.strerror or exc}; rest of the file skipped")
                return
            if not raw.strip():
                continue
            location = f"{shown}:{lineno}"
            try:
                rec = json.loads(raw.decode("utf-8-sig" if lineno == 1 else "utf-8"))
            except UnicodeDecodeError as exc:
                yield SourceError(location, location, shown, f"line {lineno}: not UTF-8 (invalid byte at {exc.start})")
                continue
            except ValueError as exc:
                yield SourceError(location, location, shown, f"line {lineno}: invalid JSON: {exc}")
                continue
            yield _record_task(rec, shown, location, opts)


def _csv_items(path: str, opts: SourceOptions) -> Iterator[Task | SourceError]:
    shown = _display(path)
    csv.field_size_limit(min(sys.maxsize, 2**31 - 1))
    try:
        fh = open(path, encoding="utf-8-sig", newline="")
    except OSError as exc:
        yield SourceError(shown, shown, shown, f"cannot read: {exc.strerror or exc}")
        return
    with fh:
        reader = csv.DictReader(fh)
        try:
            header = reader.fieldnames or []
            if opts.text_field not in header or opts.id_field not in header:
                missing = [f for f in (opts.id_field, opts.text_field) if f not in header]
                yield SourceError(shown, shown, shown, f"CSV header lacks column(s) {missing}")
                return
            while True:
                try:
                    row = next(reader)
                except StopIteration:
                    return
                except csv.Error as exc:
                    location = f"{shown}:{reader.line_num}"
                    yield SourceError(location, location, shown, f"line {reader.line_num}: invalid CSV: {exc}")
                    continue
                yield _record_task(row, shown, f"{shown}:{reader.line_num}", opts)
        except OSError as exc:
            yield SourceError(shown, shown, shown, f"cannot read: {exc.strerror or exc}; rest of the file skipped")
        except UnicodeDecodeError:
            location = f"{shown}:{reader.line_num + 1}"
            yield SourceError(location, location, shown,
                              f"not UTF-8 from line {reader.line_num + 1} (invalid byte); rest of the file skipped")


def iter_items(sources: list[tuple[str, str]], opts: SourceOptions, exclude=()) -> Iterator[Task | SourceError]:
    """Stream the tasks (and unusable records) of the resolved sources, in a fixed order."""
    excluded = {os.path.realpath(p) for p in exclude}
    for kind, path in sources:
        if kind == "dir":
            for f in _walk(path, excluded):
                if isinstance(f, SourceError):
                    yield f
                    continue
                rel = Path(os.path.relpath(f, path)).as_posix()
                group = rel.split("/", 1)[0] if opts.group_by_dir and "/" in rel else ""
                yield _file_task(f, rel, group)
        elif kind == "records":
            yield from (_jsonl_items if RECORD_KINDS[os.path.splitext(path)[1].lower()] == "jsonl" else _csv_items)(path, opts)
        else:
            yield _file_task(path, _display(os.path.normpath(path)), "")


def estimate_total(sources: list[tuple[str, str]], exclude=()) -> int:
    """A quick count of the documents (files, or non-blank lines of record files) for the
    progress bar's ETA; CSV records with embedded newlines make it an over-estimate."""
    excluded = {os.path.realpath(p) for p in exclude}
    total = 0
    for kind, path in sources:
        if kind == "dir":
            total += sum(1 for f in _walk(path, excluded) if not isinstance(f, SourceError))
        elif kind == "records":
            try:
                with open(path, "rb") as fh:
                    lines = sum(1 for line in fh if line.strip())
            except OSError:
                continue
            total += lines - (1 if path.lower().endswith(".csv") and lines else 0)
        else:
            total += 1
    return total


# --- loading (in workers) ----------------------------------------------------------------


def decode(data: bytes, encoding: str) -> str:
    """The text of a file's bytes (`errcheck.inputs.decode`, shared with ``errcheck check``:
    ``auto`` is a byte-order mark, else UTF-8, else GB18030; the mark is dropped)."""
    from ..inputs import InputError, decode as decode_bytes

    try:
        return decode_bytes(data, encoding).text
    except InputError as exc:
        raise DocumentError(exc.reason) from None


def _docx_paragraphs(data: bytes) -> tuple[list[str], str]:
    """Through the zip-bomb guard (`errcheck.docx_safety`): a .docx that inflates past its
    limits is recorded in errors.csv with the reason, like any unreadable file."""
    from ..docx_safety import DocxRejected, docx_paragraphs_and_title

    try:
        return docx_paragraphs_and_title(data)
    except DocxRejected as exc:
        raise DocumentError(str(exc)) from None


TITLE_CHARS = 200


def _short(s: str) -> str:
    s = " ".join(s.split())
    return s if len(s) <= TITLE_CHARS else s[: TITLE_CHARS - 1] + "…"


def _first_line(text: str, markdown: bool = False) -> str | None:
    for line in text.splitlines():
        if markdown:
            line = line.lstrip("#> \t")
        if line.strip():
            return _short(line)
    return None


def _html(source: str):
    """The visible text of an HTML page, its map to the source, its title and meta tags."""
    from ..htmltext import extract, meta_tags, page_title

    html = extract(source)
    tags = meta_tags(source)
    return html, page_title(source, html.text, tags), tags


def _dated(doc: Document, task: Task, tags: dict | None) -> Document:
    """Set the document's date: the given one, else one inferred from the document."""
    from ..dates import infer_date

    path = task.source_path if task.kind != "record" else None
    found = infer_date(doc.text, given=task.date, meta=tags, path=path)
    doc.date, doc.date_source = found.iso, found.source
    return doc


def load(task: Task, encoding: str = "utf-8") -> Document:
    """Read and parse one task into the text to check; raise `DocumentError` if unusable."""
    meta: dict = {}
    if task.kind == "record":
        text, title, tags = task.text or "", task.title, None
        if task.html:
            html, page, tags = _html(text)
            text, meta["to_source"] = html.text, html.source_offset
            title = title or page
        doc = Document(task.id, task.group, task.date, text, "html" if task.html else "record", task.source_path, meta,
                       title=title)
        return _dated(doc, task, tags)
    data = task.data
    if data is None:
        try:
            with open(task.source_path, "rb") as fh:
                data = fh.read()
        except OSError as exc:
            raise DocumentError(f"cannot read: {exc.strerror or exc}") from None
    tags = None
    if task.kind == "docx":
        paragraphs, title = _docx_paragraphs(data)
        starts, pos = [], 0
        for p in paragraphs:
            starts.append(pos)
            pos += len(p) + 1
        meta["paragraph_starts"] = starts
        text = "\n".join(paragraphs)
        # Word fills in "Microsoft Word - file.doc" when a document is converted
        title = _short(title) if title and not title.startswith("Microsoft Word") else _first_line(text)
    else:
        text = decode(data, encoding)
        if task.kind == "html":
            html, title, tags = _html(text)
            text, meta["to_source"] = html.text, html.source_offset
        else:
            title = _first_line(text, markdown=task.kind == "markdown")
    doc = Document(task.id, task.group, task.date, text, task.kind, task.source_path, meta, title=title)
    return _dated(doc, task, tags)
