"""The files ``errcheck check`` reads: which ones, how they are decoded, what is checked
in each, and where a finding is in the file.

* **Which files** (`iter_paths`): a file named on the command line is checked whatever
  its extension; a directory is walked recursively in name order for the files matching
  the include globs (default: the `DEFAULT_INCLUDE` extensions), skipping hidden entries
  (``.git``, ``.cache`` ...), Office lock files (``~$...``), what ``.gitignore`` files
  ignore (those inside the walked directory and those above it up to the repository
  root, and ``.git/info/exclude``) and symbolic links to directories. ``--exclude``
  globs apply to every path, named or found. Globs use ``.gitignore`` syntax and match
  the path relative to the current directory. `errcheck scan` walks with the same `walk`.
* **Decoding** (`decode`): ``utf-8`` (default), any Python codec name, or ``auto``: a
  byte-order mark (UTF-8, UTF-16, UTF-32) decides, else UTF-8, else GB18030 (a superset
  of GBK and GB2312). The mark is not part of the text (column 1 is the first character
  after it) and is written back by ``--fix``; newlines are kept as they are (CRLF too).
  `errcheck scan` decodes with the same function.
* **What is checked** (`Source.checked`): a text file as it is; Markdown (``.md``,
  ``.markdown``) with fenced code blocks and inline code spans replaced by spaces (same
  length, so every offset is still the file's); HTML (``.html``, ``.htm``) its visible
  text (`errcheck.htmltext`: no ``<head>``/``<title>``, ``<script>``, ``<style>``,
  navigation ...); a .docx its paragraphs (body and table cells in document order, read
  through the zip-bomb guard of `errcheck.docx_safety`), joined by newlines.
* **Where** (`locate`): line and column (1-based, in code points) in the file: for HTML
  the position of the finding's characters in the HTML source, for a .docx the paragraph
  number and the character in that paragraph. ``context`` holds no carriage return.
"""

from __future__ import annotations

import bisect
import codecs
import dataclasses
import errno
import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from .model import Finding, Report
from .report import CONTEXT, LineCounter

#: extensions a directory walk picks up when no ``--include`` is given
DEFAULT_INCLUDE = (".txt", ".md", ".markdown", ".html", ".htm", ".docx")
#: extension → what is checked in the file (anything else is read as plain text)
KINDS = {".txt": "text", ".md": "markdown", ".markdown": "markdown", ".html": "html", ".htm": "html",
         ".docx": "docx"}
#: ``auto``'s fallback when the bytes are not UTF-8
FALLBACK_ENCODING = "gb18030"
STDIN = "-"


class InputError(Exception):
    """A path that cannot be read or decoded; ``str()`` is ``path: reason``."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}" if path else reason)
        self.path, self.reason = path, reason


# --- decoding ------------------------------------------------------------------------------

#: byte-order marks and the codec of the bytes after them (UTF-32 LE before UTF-16 LE:
#: its mark starts with the UTF-16 LE one)
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_WIDE = ("utf-16", "utf-32")


@dataclass(frozen=True, slots=True)
class Decoded:
    """A file's text with what is needed to write it back byte for byte: the codec of
    the text and the byte-order mark that preceded it (``b""`` for none)."""

    text: str
    encoding: str
    bom: bytes = b""

    def encode(self, text: str) -> bytes:
        return self.bom + text.encode(self.encoding)


def _label(codec: str) -> str:
    return "UTF-8" if codec == "utf-8" else codec


def decode(data: bytes, encoding: str = "utf-8") -> Decoded:
    """Decode a file's bytes (see the module docstring); raise `InputError` (without a
    path) naming the reason: binary data, an invalid byte and its offset, an unknown
    encoding."""
    name = encoding.strip().lower()
    if name == "auto":
        for bom, codec in _BOMS:
            if data.startswith(bom):
                return _decode_as(data, codec, bom)
        _refuse_binary(data)
        try:
            return Decoded(data.decode("utf-8"), "utf-8")
        except UnicodeDecodeError:
            return _decode_as(data, FALLBACK_ENCODING, b"")
    try:
        info = codecs.lookup(name)
    except LookupError:
        info = None
    if info is None or not getattr(info, "_is_text_encoding", True):  # base64, rot13 ...
        raise InputError("", f"unknown encoding {encoding!r}")
    codec = info.name
    if codec == "utf-8-sig":
        codec = "utf-8"
    if codec in _WIDE:  # the mark says which byte order; little-endian without one
        for bom, wide in _BOMS:
            if wide.startswith(codec) and data.startswith(bom):
                return _decode_as(data, wide, bom)
        return _decode_as(data, codec + "-le", b"")
    if codec.startswith(_WIDE):
        bom = "\ufeff".encode(codec)
        return _decode_as(data, codec, bom if data.startswith(bom) else b"")
    _refuse_binary(data)
    try:
        bom = "\ufeff".encode(codec)
    except UnicodeEncodeError:  # a codec without U+FEFF (e.g. latin-1) has no mark
        bom = b""
    return _decode_as(data, codec, bom if bom and data.startswith(bom) else b"")


def _refuse_binary(data: bytes) -> None:
    if b"\x00" in data[:65536]:
        raise InputError("", "binary data (NUL bytes), not text")


def _decode_as(data: bytes, codec: str, bom: bytes) -> Decoded:
    try:
        text = data[len(bom):].decode(codec)
    except UnicodeDecodeError as exc:
        raise InputError("", f"not {_label(codec)} text (invalid byte at offset {exc.start + len(bom)})") from None
    return Decoded(text, codec, bom)


# --- what is checked -----------------------------------------------------------------------

_FENCE_OPEN = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_INLINE_CODE = re.compile(r"(?<!`)(`+)(?!`)((?:(?!\n[ \t]*\r?\n).)+?)(?<!`)\1(?!`)", re.DOTALL)
_FENCE_CLOSE = re.compile(r"^ {0,3}(`{3,}|~{3,})[ \t]*(?:\r?\n|\r)?$")
_NOT_BLANKED = re.compile(r"[^\r\n]")


def markdown_text(source: str) -> str:
    """``source`` with fenced code blocks (fence lines included; an unclosed fence runs to
    the end, as in CommonMark) and inline code spans replaced by spaces, line breaks kept:
    same length and same lines, so offsets into the result are offsets into the source."""
    out = []
    fence = None
    for line in source.splitlines(keepends=True):
        if fence is None:
            m = _FENCE_OPEN.match(line)
            if m and not (m.group(1)[0] == "`" and "`" in line[m.end():]):
                fence = m.group(1)
                out.append(_NOT_BLANKED.sub(" ", line))
            else:
                out.append(line)
            continue
        m = _FENCE_CLOSE.match(line)
        if m and m.group(1)[0] == fence[0] and len(m.group(1)) >= len(fence):
            fence = None
        out.append(_NOT_BLANKED.sub(" ", line))
    text = "".join(out)
    return _INLINE_CODE.sub(lambda m: _NOT_BLANKED.sub(" ", m.group(0)), text)


@dataclass(slots=True)
class Source:
    """One input: its text as in the file (``text``, without a byte-order mark; for a
    .docx the paragraphs joined by newlines) and the text given to the checker
    (``checked``)."""

    path: str  # where it is read from and written to ("-" for standard input)
    name: str  # how it is shown
    kind: str  # text | markdown | html | docx
    text: str
    checked: str
    decoded: Decoded | None = None  # None for a .docx
    html: object = None  # errcheck.htmltext.HtmlText for HTML
    paragraph_starts: list[int] | None = None  # .docx: offset of each paragraph in ``text``

    @property
    def editable(self) -> bool:
        """Whether fixes can be written into the file as text (not a .docx)."""
        return self.decoded is not None

    def with_text(self, text: str) -> "Source":
        """The same file with another text (after fixes): what is checked is rebuilt."""
        if not self.editable:
            raise ValueError("a .docx cannot be changed as text")
        return from_text(self.path, self.name, self.kind, dataclasses.replace(self.decoded, text=text))

    def source_span(self, start: int, end: int) -> tuple[int, int]:
        """The span of ``text`` that the checked span ``[start, end)`` comes from."""
        if self.html is not None:
            return self.html.source_span(start, end)
        return start, end


def kind_of(path: str) -> str:
    return KINDS.get(os.path.splitext(path)[1].lower(), "text")


def from_text(path: str, name: str, kind: str, decoded: Decoded) -> Source:
    text = decoded.text
    if kind == "markdown":
        return Source(path, name, kind, text, markdown_text(text), decoded)
    if kind == "html":
        from .htmltext import extract

        html = extract(text)
        return Source(path, name, kind, text, html.text, decoded, html=html)
    return Source(path, name, "text", text, text, decoded)


def load(path: str, encoding: str = "utf-8") -> Source:
    """Read and decode one file (``-``: standard input, read as text); raise `InputError`."""
    shown = "<stdin>" if path == STDIN else path
    try:
        if path == STDIN:
            data = sys.stdin.buffer.read()
        else:
            with open(path, "rb") as fh:
                data = fh.read()
    except OSError as exc:
        raise InputError(shown, f"cannot read: {exc.strerror or exc}") from None
    kind = "text" if path == STDIN else kind_of(path)
    if kind == "docx":
        paragraphs = docx_paragraphs(data, shown)
        starts, pos = [], 0
        for p in paragraphs:
            starts.append(pos)
            pos += len(p) + 1
        text = "\n".join(paragraphs)
        return Source(path, shown, kind, text, text, None, paragraph_starts=starts)
    try:
        decoded = decode(data, encoding)
    except InputError as exc:
        raise InputError(shown, exc.reason) from None
    return from_text(path, shown, kind, decoded)


def docx_paragraphs(data: bytes, shown: str) -> list[str]:
    import importlib.util

    if importlib.util.find_spec("docx") is None:  # python-docx
        raise InputError(shown, "reading .docx files needs python-docx (pip install python-docx)")
    from .docx_safety import DocxRejected, docx_paragraphs as paragraphs

    try:
        return paragraphs(data)
    except DocxRejected as exc:
        raise InputError(shown, str(exc)) from None


# --- where findings are ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Place:
    """Where a finding is in the file: 1-based lines and columns in code points, the end
    exclusive (the column after the last character); ``start``/``end`` are offsets into
    `Source.text` (for a .docx, into the joined paragraphs)."""

    line: int
    column: int
    end_line: int
    end_column: int
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Result:
    """A checked file: the report (findings with the file's lines and columns and a
    context without carriage returns) and each finding's `Place`."""

    source: Source
    report: Report
    places: tuple[Place, ...]


def _clean(context: str) -> str:
    return context.replace("\r\n", "\n").replace("\r", "\n") if "\r" in context else context


def locate(source: Source, report: Report) -> Result:
    """Rewrite ``report``'s line, column and context for the file (see the module doc)."""
    findings, places = [], []
    spans = [source.source_span(f.start, f.end) for f in report.findings]
    if source.paragraph_starts is not None:
        positions = _paragraph_positions(source.paragraph_starts, spans)
    else:
        counter = LineCounter(source.text)
        positions = []
        for s, e in spans:
            line, col = counter.position(s)
            end_line, end_col = counter.position(e)
            positions.append((line, col, end_line, end_col))
    # context: the file's own characters where the checked text is the file (text and
    # Markdown, so blanked code shows as written), else the checked text
    shown = source.text if source.kind in ("text", "markdown") else source.checked
    for f, (s, e), (line, col, end_line, end_col) in zip(report.findings, spans, positions):
        context = _clean(shown[max(0, f.start - CONTEXT): f.end + CONTEXT])
        if (line, col, context) != (f.line, f.column, f.context):
            f = dataclasses.replace(f, line=line, column=col, context=context)
        findings.append(f)
        places.append(Place(line, col, end_line, end_col, s, e))
    if findings != list(report.findings):
        report = dataclasses.replace(report, findings=tuple(findings))
    return Result(source, report, tuple(places))


def _paragraph_positions(starts: list[int], spans) -> list[tuple[int, int, int, int]]:
    out = []
    for s, e in spans:
        p = bisect.bisect_right(starts, s) - 1
        q = bisect.bisect_right(starts, max(e - 1, s)) - 1
        out.append((p + 1, s - starts[p] + 1, q + 1, e - starts[q] + 1))
    return out


def finding_dict(result: Result, index: int) -> dict:
    """A finding as JSON, with ``source_start``/``source_end`` (offsets into the HTML
    source) for an HTML file."""
    f: Finding = result.report.findings[index]
    row = f.to_dict()
    if result.source.kind == "html":
        place = result.places[index]
        row["source_start"], row["source_end"] = place.start, place.end
    return row


# --- which files -------------------------------------------------------------------------


def _rel(path: str) -> str:
    """``path`` relative to the current directory, ``/``-separated (as given if outside)."""
    try:
        rel = os.path.relpath(path)
    except ValueError:  # another drive
        rel = path
    if rel == os.pardir or rel.startswith(os.pardir + os.sep):
        rel = path
    return Path(rel).as_posix()


def _spec(patterns):
    import pathspec

    return pathspec.GitIgnoreSpec.from_lines(patterns)


class _Ignores:
    """The ``.gitignore`` files in force in a directory, deepest last."""

    def __init__(self, specs: tuple = ()) -> None:
        self.specs = specs  # ((base directory, spec), ...)

    def entering(self, directory: str) -> "_Ignores":
        spec = _read_ignore_file(os.path.join(directory, ".gitignore"))
        return _Ignores(self.specs + ((directory, spec),)) if spec else self

    def ignored(self, path: str, is_dir: bool) -> bool:
        for base, spec in reversed(self.specs):
            rel = Path(os.path.relpath(path, base)).as_posix() + ("/" if is_dir else "")
            result = spec.check_file(rel).include
            if result is not None:
                return result
        return False


def _read_ignore_file(path: str):
    try:
        with open(path, encoding="utf-8", errors="replace") as fh:
            lines = fh.read().splitlines()
    except OSError:
        return None
    return _spec(lines) if lines else None


def _ignores_above(root: str) -> _Ignores:
    """The ignore files of the repository ``root`` is in, from its top down to ``root``'s
    parent (``root`` itself is read when the walk enters it)."""
    root = os.path.abspath(root)
    top = root
    while not os.path.exists(os.path.join(top, ".git")):
        parent = os.path.dirname(top)
        if parent == top:
            return _Ignores()  # not in a repository: only the walked directories' files
        top = parent
    chain = []
    d = root
    while d != top:
        d = os.path.dirname(d)
        chain.append(d)
    ignores = _Ignores()
    info = _read_ignore_file(os.path.join(top, ".git", "info", "exclude"))
    if info:
        ignores = _Ignores(((top, info),))
    for d in reversed(chain):
        ignores = ignores.entering(d)
    return ignores


@dataclass(frozen=True)
class Selection:
    """``--include``/``--exclude`` globs and whether ``.gitignore`` files count."""

    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    gitignore: bool = True

    def __post_init__(self) -> None:
        object.__setattr__(self, "_include", _spec(self.include) if self.include else None)
        object.__setattr__(self, "_exclude", _spec(self.exclude) if self.exclude else None)

    def excluded(self, path: str, is_dir: bool = False) -> bool:
        return bool(self._exclude) and self._exclude.match_file(_rel(path) + ("/" if is_dir else ""))

    def included(self, path: str) -> bool:
        if self._include is None:
            return os.path.splitext(path)[1].lower() in DEFAULT_INCLUDE
        return self._include.match_file(_rel(path))


def iter_paths(paths: list[str], selection: Selection = Selection()) -> Iterator[str | InputError]:
    """The files to check, in order: named files as they are (unless excluded),
    directories walked (see the module docstring); what cannot be walked is an
    `InputError` and the walk goes on."""

    def keep(path: str, is_dir: bool) -> bool:
        return not selection.excluded(path, is_dir) and (is_dir or selection.included(path))

    for path in paths:
        if path == STDIN:
            yield path
        elif os.path.isdir(path):
            if not selection.excluded(path, True):
                yield from walk(path, keep, _ignores_above(path) if selection.gitignore else None)
        elif not selection.excluded(path):
            yield path


def walk(directory: str, keep, ignores: _Ignores | None = None) -> Iterator[str | InputError]:
    """The regular files under ``directory`` in name order, recursively, for which
    ``keep(path, is_dir)`` (asked for directories too) is true and, with ``ignores``, no
    ``.gitignore`` file says otherwise. Hidden entries and Office lock files (``~$...``)
    are skipped; symbolic links to files are followed, links to directories are not (no
    loop can form). Every step that fails (a directory that cannot be listed, a dangling
    link, a link loop, a FIFO or device) is an `InputError` naming the path, and the walk
    goes on. Shared by ``errcheck check`` and ``errcheck scan``."""
    if ignores is not None:
        ignores = ignores.entering(directory)
    try:
        with os.scandir(directory) as it:
            entries = sorted(it, key=lambda e: e.name)
    except OSError as exc:
        yield InputError(os.path.normpath(directory), f"cannot list directory: {exc.strerror or exc}")
        return
    for entry in entries:
        if entry.name.startswith((".", "~$")):
            continue
        path = os.path.normpath(entry.path)
        try:
            if entry.is_dir(follow_symlinks=False):
                if keep(path, True) and not (ignores is not None and ignores.ignored(path, True)):
                    yield from walk(path, keep, ignores)
                continue
            if not keep(path, False) or (ignores is not None and ignores.ignored(path, False)):
                continue
            if entry.is_file():
                yield path
            elif entry.is_symlink():
                os.stat(path)  # a dangling link or a loop raises its reason
                if not os.path.isdir(path):  # a link to a directory is not followed
                    yield InputError(path, "not a regular file")
            else:
                yield InputError(path, "not a regular file")
        except OSError as exc:
            reason = "symbolic link loop" if exc.errno == errno.ELOOP else (
                "dangling symbolic link" if exc.errno == errno.ENOENT else exc.strerror or str(exc))
            yield InputError(path, f"cannot read: {reason}")


def add_arguments(parser) -> None:
    """The input options of ``errcheck check``."""
    parser.add_argument("--encoding", default="utf-8", metavar="ENCODING",
                        help="encoding of text, Markdown and HTML files: utf-8 (default), auto (a byte-order "
                             "mark, else UTF-8, else GB18030) or a codec name such as gb18030")
    parser.add_argument("--include", action="append", default=[], metavar="GLOB",
                        help="in directories, check the files matching GLOB instead of "
                             f"*{' *'.join(DEFAULT_INCLUDE)}; repeatable")
    parser.add_argument("--exclude", action="append", default=[], metavar="GLOB",
                        help="skip the files and directories matching GLOB (.gitignore syntax); repeatable")
    parser.add_argument("--no-gitignore", dest="gitignore", action="store_false",
                        help="also check the files that .gitignore files ignore")


def selection_from(args) -> Selection:
    return Selection(tuple(args.include), tuple(args.exclude), args.gitignore)
