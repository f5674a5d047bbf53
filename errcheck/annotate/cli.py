"""``errcheck annotate FILE [-o OUT] [--track-changes]``: the document back with its findings.

* ``.docx`` → the same document with a Word comment on each finding; ``--track-changes``
  (alias ``--fix``) also makes the safe fixes as tracked changes. Findings in headers,
  footers and notes, which get no comments of their own (see `errcheck.annotate.ooxml`),
  are listed in one comment on the first paragraph and on standard error.
* ``.html``/``.htm`` → the page with the findings in ``<mark>`` (safe fixes as
  ``<del>``/``<ins>`` with ``--track-changes``).
* ``.txt`` (or any other UTF-8 text) → the text (safe fixes applied with
  ``--track-changes``) followed by the findings as a report.

The output defaults to ``NAME.checked.EXT`` next to the input. Exit status as ``errcheck
check``: 0 no finding at or above ``--fail-on`` (default ``serious``), 1 at least one, 2
usage, input or dictionary error (nothing written).
"""

from __future__ import annotations

import argparse
from pathlib import Path

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


def add_commands(subparsers) -> None:
    from ..model import Severity
    from ..rules import CATEGORIES

    p = subparsers.add_parser(
        "annotate", help="write a .docx/.html/.txt back with its findings (Word comments, tracked changes)",
        description="Check a document and write it back with its findings: a .docx gets a Word comment (批注) "
                    "on each finding and, with --track-changes, the safe fixes as tracked changes (修订).",
    )
    p.add_argument("path", metavar="FILE", help="a .docx, .html/.htm or UTF-8 text file")
    p.add_argument("-o", "--output", metavar="OUT", help="where to write (default: FILE's name + .checked)")
    p.add_argument("--track-changes", "--fix", dest="track_changes", action="store_true",
                   help="also apply the safe fixes, as tracked changes in a .docx")
    p.add_argument("--dictionaries", "-d", action="append", metavar="DIR", help="extra dictionary file or directory")
    p.add_argument("--min-severity", choices=[s.label for s in Severity], default=None)
    p.add_argument("--category", action="append", choices=CATEGORIES)
    p.add_argument("--as-of", metavar="YYYY-MM-DD", help="judge dated rules as of this day")
    p.add_argument("--mode", choices=["fast", "thorough"], default="fast")
    p.add_argument("--fail-on", choices=[s.label for s in Severity], default="serious",
                   help="exit 1 when a finding at or above this severity exists (default: serious)")
    p.add_argument("--author", default="errcheck", help="author of the comments and tracked changes")
    p.set_defaults(handler=cmd_annotate)


def default_output(path: Path) -> Path:
    return path.with_name(f"{path.stem}.checked{path.suffix}")


def cmd_annotate(args: argparse.Namespace, out, err) -> int:
    from ..checker import Checker
    from ..model import Severity
    from ..rules import RuleError

    src = Path(args.path)
    dest = Path(args.output) if args.output else default_output(src)
    try:
        data = src.read_bytes()
    except OSError as exc:
        print(f"errcheck: {src}: cannot read: {exc.strerror or exc}", file=err)
        return EXIT_ERROR
    if dest.resolve() == src.resolve():
        print(f"errcheck: {dest}: refusing to overwrite the input; choose another -o", file=err)
        return EXIT_ERROR
    checker = Checker(args.dictionaries, categories=args.category, min_severity=args.min_severity, mode=args.mode)
    try:
        checker.load()
    except RuleError as exc:
        print(f"errcheck: dictionary error: {exc}", file=err)
        return EXIT_ERROR
    options = {"as_of": args.as_of}
    suffix = src.suffix.lower()
    try:
        if suffix == ".docx":
            result, findings, extra = _docx(data, checker, args, options, src, err)
        else:
            try:
                text = data.decode("utf-8-sig")
            except UnicodeDecodeError as exc:
                print(f"errcheck: {src}: not UTF-8 text (invalid byte at offset {exc.start})", file=err)
                return EXIT_ERROR
            from . import annotate_html, annotate_text

            if suffix in (".html", ".htm"):
                html, report, marked = annotate_html(text, checker, track_changes=args.track_changes, **options)
                result, findings = html.encode("utf-8"), report.findings
                extra = f", {marked} marked"
            else:
                body, report = annotate_text(text, checker, track_changes=args.track_changes, name=str(src),
                                             **options)
                result, findings = body.encode("utf-8"), report.findings
                extra = f", {report.fixable} safe fixes applied" if args.track_changes else ""
    except _Rejected as exc:
        print(f"errcheck: {src}: {exc}", file=err)
        return EXIT_ERROR
    try:
        dest.write_bytes(result)
    except OSError as exc:
        print(f"errcheck: {dest}: cannot write: {exc.strerror or exc}", file=err)
        return EXIT_ERROR
    print(f"{src} → {dest}: {len(findings)} findings{extra}", file=err)
    fail_on = Severity.parse(args.fail_on)
    return EXIT_FINDINGS if any(f.severity >= fail_on for f in findings) else EXIT_OK


class _Rejected(Exception):
    pass


def _docx(data, checker, args, options, src, err):
    import importlib.util

    if importlib.util.find_spec("lxml") is None:
        raise _Rejected("annotating .docx files needs lxml: pip install 'errcheck[docx]'")
    from ..docx_safety import DocxRejected
    from . import annotate_docx

    try:
        result, summary = annotate_docx(data, checker, track_changes=args.track_changes, author=args.author,
                                        **options)
    except DocxRejected as exc:
        raise _Rejected(str(exc)) from None
    for a in summary.uncommented:
        f = a.finding
        hint = " → " + " / ".join(f.suggestions) if f.suggestions else ""
        done = " (fixed as a tracked change)" if a.fixed else ""
        print(f"{src}:{a.part}:{a.paragraph + 1}: {f.code} [{f.severity.label}] 「{f.text}」{hint}  {f.message}"
              f" (listed in the summary comment: no comment in {a.place}){done}", file=err)
    extra = f", {summary.commented} comments, {summary.fixed} tracked changes"
    return result, summary.findings, extra
