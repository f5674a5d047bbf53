"""Command line: ``errcheck check PATH... | -`` and ``errcheck rules``.

Exit status (pinned by tests): 0 no serious finding, 1 at least one ``serious`` finding
(or one at/above ``--fail-on``), 2 usage, input or dictionary error.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Sequence

from ._version import __version__
from .checker import Checker
from .model import Report, Severity
from .rules import CATEGORIES, RuleError

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2

_COLOURS = {Severity.SERIOUS: "\033[1;31m", Severity.ERROR: "\033[33m", Severity.WARNING: "\033[36m"}
_RESET = "\033[0m"
#: wrong forms shown per rule in the text listing (`--format json` lists them all)
LISTED_FORMS = 4


class InputError(Exception):
    """A file could not be read as UTF-8 text."""


def _read_input(path: str) -> str:
    try:
        if path == "-":
            data = sys.stdin.buffer.read()
        else:
            with open(path, "rb") as fh:
                data = fh.read()
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror or exc}") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 text (invalid byte at offset {exc.start})") from None
    return text


def _use_colour(stream, choice: str) -> bool:
    if choice == "always":
        return True
    if choice == "never" or os.environ.get("NO_COLOR"):
        return False
    return hasattr(stream, "isatty") and stream.isatty()


def format_text(name: str, report: Report, colour: bool) -> list[str]:
    lines = []
    for f in report.findings:
        sev = f.severity.label
        if colour:
            sev = f"{_COLOURS[f.severity]}{sev}{_RESET}"
        suggestion = " → " + " / ".join(f.suggestions) if f.suggestions else ""
        lines.append(f"{name}:{f.line}:{f.column}: {f.code} [{sev}] 「{f.text}」{suggestion}  {f.message}")
    counts = ", ".join(f"{n} {label}" for label, n in report.counts.items())
    lines.append(f"{name}: {report.verdict} (score {report.score}; {counts})")
    return lines


class ProgressPrinter:
    """Shows a rule-set build on a terminal (``err`` must be a tty): one line, rewritten
    in place, from the moment the build has taken `DELAY` seconds (a cached or prebuilt
    load says nothing), and a last line with the time it took."""

    DELAY = 1.0

    def __init__(self, stream, clock=None) -> None:
        import time

        self.stream = stream
        self.clock = clock or time.monotonic
        self.began: float | None = None
        self.shown = False

    def __call__(self, phase: str, done: int, total: int) -> None:
        now = self.clock()
        if self.began is None:
            self.began = now
        if now - self.began < self.DELAY:
            return
        count = f" {done:,}/{total:,}" if total and done <= total else ""
        self.stream.write(f"\r\033[Kerrcheck: building the rule set (first run only): {phase}{count}")
        self.stream.flush()
        self.shown = True

    def finish(self) -> None:
        if self.shown:
            self.stream.write(f"\r\033[Kerrcheck: rule set built in {self.clock() - self.began:.1f} s\n")
            self.stream.flush()
            self.shown = False


def _progress_for(err) -> ProgressPrinter | None:
    return ProgressPrinter(err) if hasattr(err, "isatty") and err.isatty() else None


def _load(checker: Checker, progress: ProgressPrinter | None, err) -> bool:
    try:
        checker.load()
    except RuleError as exc:
        if progress is not None:
            progress.finish()
        print(f"errcheck: dictionary error: {exc}", file=err)
        return False
    if progress is not None:
        progress.finish()
    return True


def _cmd_check(args: argparse.Namespace, out, err) -> int:
    progress = _progress_for(err)
    try:
        checker = Checker(
            args.dictionaries,
            backend=args.backend,
            categories=args.category,
            min_severity=args.min_severity,
            mode=args.mode,
            allow=args.allow,
            allow_files=args.allow_file,
            progress=progress,
        )
    except RuleError as exc:
        print(f"errcheck: allow-list error: {exc}", file=err)
        return EXIT_ERROR
    if not _load(checker, progress, err):
        return EXIT_ERROR
    from .cache_prune import prune_after_build

    prune_after_build(checker)  # a new rule set was compiled and cached: drop the oldest
    fail_on = Severity.parse(args.fail_on)
    colour = _use_colour(out, args.color)
    status = EXIT_OK
    results = []
    for path in args.paths:
        try:
            text = _read_input(path)
        except InputError as exc:
            print(f"errcheck: {exc}", file=err)
            status = EXIT_ERROR
            continue
        report = checker.check(text, as_of=args.as_of)
        name = "<stdin>" if path == "-" else path
        if any(f.severity >= fail_on for f in report.findings) and status != EXIT_ERROR:
            status = EXIT_FINDINGS
        if args.format == "json":
            results.append({"path": name, **report.to_dict()})
        else:
            for line in format_text(name, report, colour):
                print(line, file=out)
    if args.format == "json":
        doc = results[0] if len(results) == 1 and len(args.paths) == 1 else {"files": results}
        print(json.dumps(doc, ensure_ascii=False, indent=2), file=out)
    return status


def _cmd_rules(args: argparse.Namespace, out, err) -> int:
    progress = _progress_for(err)
    checker = Checker(args.dictionaries, categories=args.category, min_severity=args.min_severity, progress=progress)
    if not _load(checker, progress, err):
        return EXIT_ERROR
    rules = checker.rules
    selected = [r for r in rules if checker.selection.accepts_rule(r)]
    if args.format == "json":
        data = [
            {
                "code": r.code,
                "category": r.category,
                "severity": r.severity.label,
                "wrong": list(r.wrong),
                "right": list(r.right),
                "source": r.source,
            }
            for r in selected
        ]
        print(json.dumps(data, ensure_ascii=False, indent=2), file=out)
    else:
        for r in selected:
            print(f"{r.code}  {r.severity.label:<8} {r.category:<13} {_forms(r.wrong)} → {'/'.join(r.right)}", file=out)
        print(f"{len(selected)} rules (rule set {checker.version})", file=out)
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="errcheck",
        description="Find typos, serious expression errors and sensitive wording in Chinese text.",
    )
    parser.add_argument("--version", action="version", version=f"errcheck {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def common(p: argparse.ArgumentParser) -> None:
        p.add_argument("--dictionaries", "-d", action="append", metavar="DIR",
                       help="extra dictionary file or directory; adds to (and overrides by code) the shipped rules; repeatable")
        p.add_argument("--min-severity", choices=[s.label for s in Severity], default=None,
                       help="report only findings at or above this severity")
        p.add_argument("--category", action="append", choices=CATEGORIES, help="report only this category; repeatable")
        p.add_argument("--format", choices=["text", "json"], default="text")

    check = sub.add_parser("check", help="check UTF-8 text files (or - for standard input)")
    check.add_argument("paths", nargs="+", metavar="PATH")
    common(check)
    check.add_argument("--as-of", metavar="YYYY-MM-DD", help="judge dated rules as of this day")
    check.add_argument("--fail-on", choices=[s.label for s in Severity], default="serious",
                       help="exit 1 when a finding at or above this severity exists (default: serious)")
    check.add_argument("--backend", choices=["daachorse", "pyahocorasick"], default="daachorse")
    check.add_argument("--mode", choices=["fast", "thorough"], default="fast",
                       help="thorough: a language model also looks for typos no rule names (slower)")
    check.add_argument("--color", choices=["auto", "always", "never"], default="auto")
    check.add_argument("--allow", action="append", metavar="PHRASE",
                       help="never flag this phrase (a name, a local slogan): findings overlapping it are dropped; "
                            "repeatable")
    check.add_argument("--allow-file", action="append", metavar="FILE",
                       help="phrases never flagged, one a line ('#' starts a comment); repeatable")
    check.set_defaults(handler=_cmd_check)

    rules = sub.add_parser("rules", help="list the rules in force")
    common(rules)
    rules.set_defaults(handler=_cmd_rules)

    for module in COMMAND_MODULES:
        _add_commands_from(module, sub)
    return parser


#: Front-ends that live outside the core register their sub-commands here. Each module
#: has ``add_commands(subparsers)`` and imports its heavy dependencies (FastAPI, dask...)
#: only inside its handlers, so ``errcheck check`` never pays for them.
COMMAND_MODULES = ("errcheck.batch.cli", "service.cli")


def _add_commands_from(module: str, sub) -> None:
    import importlib

    try:
        mod = importlib.import_module(module)
    except ModuleNotFoundError as exc:
        if exc.name and module.startswith(exc.name):
            return  # that front-end is not installed
        raise
    mod.add_commands(sub)


def main(argv: Sequence[str] | None = None, out=None, err=None) -> int:
    out = out or sys.stdout
    err = err or sys.stderr
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits 2 on usage errors, 0 on --help
        return int(exc.code or 0)
    try:
        return args.handler(args, out, err)
    except ValueError as exc:  # e.g. a malformed --as-of date
        print(f"errcheck: {exc}", file=err)
        return EXIT_ERROR


def _forms(wrong: tuple[str, ...]) -> str:
    shown = "/".join(wrong[:LISTED_FORMS])
    return shown + (f"/… (+{len(wrong) - LISTED_FORMS})" if len(wrong) > LISTED_FORMS else "")
