"""``errcheck check --fix`` and ``--diff``: the safe fixes of a checked file.

A fix is applied only when it is *safe* (`Finding.applicability`: a curated correction
with one suggestion; guesses and choices are left for a human, as in `Report.fix`), in
one pass, right to left, so fixes that change the length and several fixes on a line
stay exact. For HTML a fix is applied where the finding's characters are written as
they are in the source (not through a character reference or across a wrapped line);
a .docx is never changed.

``--fix`` writes the file in place: the same encoding, the same byte-order mark, the same
newlines (nothing but the fixed characters changes), through a temporary file in the same
directory renamed over the original (`write_atomic`), and refuses to write when the file
changed on disk since it was read or the fixed text cannot be encoded back. The file is
then checked again and what remains is reported. ``--diff`` writes nothing and prints a
unified diff of what ``--fix`` would change.
"""

from __future__ import annotations

import os
import re
import stat

from .inputs import STDIN, InputError, Result, locate


def fix_edit(result: Result, index: int) -> tuple[int, int, str] | None:
    """The safe fix of finding ``index`` as ``(start, end, replacement)`` in the file's
    text, or None (not safe, a .docx, or HTML whose source there is not the finding's
    text as written)."""
    f = result.report.findings[index]
    if not f.safe or not f.suggestions or not result.source.editable:
        return None
    place = result.places[index]
    if result.source.text[place.start:place.end] != f.text:
        return None
    return place.start, place.end, f.suggestions[0]


def edits(result: Result) -> list[tuple[int, int, str]]:
    """The safe fixes of a checked file, in order."""
    return [e for e in (fix_edit(result, i) for i in range(len(result.report.findings))) if e is not None]


def apply_edits(text: str, changes: list[tuple[int, int, str]]) -> str:
    """``text`` with the non-overlapping ``(start, end, replacement)`` changes applied."""
    parts, pos = [], 0
    for start, end, new in sorted(changes):
        if start < pos:
            raise ValueError(f"overlapping fixes at {start}")
        parts += [text[pos:start], new]
        pos = end
    parts.append(text[pos:])
    return "".join(parts)


def write_atomic(path: str, data: bytes) -> None:
    """Replace the file at ``path`` (a symbolic link: its target) with ``data``: written to
    a temporary file in the same directory, flushed to disk, given the file's permission
    bits, then renamed over it, so a crash leaves either the old or the new file."""
    import tempfile

    target = os.path.realpath(path)
    directory, base = os.path.split(target)
    mode = stat.S_IMODE(os.stat(target).st_mode)
    fd, tmp = tempfile.mkstemp(prefix=f".{base}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


_LINES = re.compile(r"[^\n]*\n|[^\n]+")


def unified_diff(name: str, before: str, after: str) -> str:
    """A unified diff of two texts, lines split at ``\\n`` only (a CRLF line keeps its
    ``\\r``), with ``\\ No newline at end of file`` where one is missing."""
    import difflib

    out = []
    for line in difflib.unified_diff(_LINES.findall(before), _LINES.findall(after), name, name):
        out.append(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n")
    return "".join(out)


def fixed_text(result: Result) -> tuple[str, int]:
    """The file's text with its safe fixes applied, and how many were applied."""
    changes = edits(result)
    return (apply_edits(result.source.text, changes), len(changes)) if changes else (result.source.text, 0)


def fix_file(result: Result, check) -> tuple[Result, int]:
    """Write the safe fixes of ``result`` into its file and check it again with
    ``check(text) -> Report``; return the new result and the number of fixes written.
    Raise `InputError` when the file cannot be written back exactly."""
    new_text, count = fixed_text(result)
    if not count or new_text == result.source.text:
        return result, 0
    source = result.source
    decoded = source.decoded
    if source.path == STDIN:
        raise InputError(source.name, "standard input cannot be fixed in place (use --diff)")
    try:
        with open(source.path, "rb") as fh:
            on_disk = fh.read()
    except OSError as exc:
        raise InputError(source.name, f"cannot read: {exc.strerror or exc}") from None
    if on_disk != decoded.encode(source.text):
        raise InputError(source.name, "not fixed: the file changed since it was read, or its bytes do not "
                                      f"round-trip through {decoded.encoding}")
    try:
        data = decoded.encode(new_text)
    except UnicodeEncodeError as exc:
        raise InputError(source.name, f"not fixed: {new_text[exc.start]!r} cannot be written in "
                                      f"{decoded.encoding}") from None
    try:
        write_atomic(source.path, data)
    except OSError as exc:
        raise InputError(source.name, f"cannot write: {exc.strerror or exc}") from None
    fixed = source.with_text(new_text)
    return locate(fixed, check(fixed.checked)), count


def add_arguments(parser) -> None:
    """``--fix`` and ``--diff`` of ``errcheck check``."""
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--fix", action="store_true",
                       help="write the safe fixes into the files (same encoding and newlines), then report what remains")
    group.add_argument("--diff", action="store_true",
                       help="print a unified diff of what --fix would change and write nothing; exit 1 if there is any")
