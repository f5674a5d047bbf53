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

from . import fixes, formats, inputs
from ._version import __version__
from .checker import Checker
from .model import Severity
from .rules import CATEGORIES, RuleError

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2

#: wrong forms shown per rule in the text listing (`--format json` lists them all)
LISTED_FORMS = 4


def _use_colour(stream, choice: str) -> bool:
    if choice == "always":
        return True
    if choice == "never" or os.environ.get("NO_COLOR"):
        return False
    return hasattr(stream, "isatty") and stream.isatty()


def _cmd_check(args: argparse.Namespace, out, err) -> int:
    checker = Checker(
        args.dictionaries,
        backend=args.backend,
        categories=args.category,
        min_severity=args.min_severity,
        mode=args.mode,
    )
    try:
        checker.load()
    except RuleError as exc:
        print(f"errcheck: dictionary error: {exc}", file=err)
        return EXIT_ERROR
    from .cache_prune import prune_after_build

    prune_after_build(checker)  # a new rule set was compiled and cached: drop the oldest
    fail_on = Severity.parse(args.fail_on)
    # JSON: one file named → its report; directories or several files → {"files": [...]}
    single = len(args.paths) == 1 and not os.path.isdir(args.paths[0])
    emit = formats.emitter(args.format, out, colour=_use_colour(out, args.color), single=single,
                           rules={r.code: r for r in checker.rules} if args.format == "sarif" else None)
    status = EXIT_OK
    fixed = fixed_files = changed = remaining = 0

    def check(text: str):
        return checker.check(text, as_of=args.as_of)

    def failed(error: inputs.InputError) -> None:
        nonlocal status
        print(f"errcheck: {error}", file=err)
        emit.error(error)
        status = EXIT_ERROR

    for path in inputs.iter_paths(args.paths, inputs.selection_from(args)):
        if isinstance(path, inputs.InputError):
            failed(path)
            continue
        try:
            source = inputs.load(path, args.encoding)
        except inputs.InputError as exc:
            failed(exc)
            continue
        result = inputs.locate(source, check(source.checked))
        if args.diff:
            new_text, count = fixes.fixed_text(result)
            if count:
                out.write(fixes.unified_diff(source.name, source.text, new_text))
                changed += 1
            continue
        if args.fix:
            try:
                result, count = fixes.fix_file(result, check)
            except inputs.InputError as exc:
                failed(exc)
            else:
                fixed, fixed_files = fixed + count, fixed_files + (count > 0)
        remaining += len(result.report.findings)
        if any(f.severity >= fail_on for f in result.report.findings) and status != EXIT_ERROR:
            status = EXIT_FINDINGS
        emit.file(result)
    if args.diff:
        return EXIT_ERROR if status == EXIT_ERROR else (EXIT_FINDINGS if changed else EXIT_OK)
    emit.finish()
    if args.fix:
        print(f"errcheck: {fixed} fixed in {fixed_files} files, {remaining} remaining", file=err)
    return status


def _cmd_rules(args: argparse.Namespace, out, err) -> int:
    checker = Checker(args.dictionaries, categories=args.category, min_severity=args.min_severity)
    try:
        rules = checker.rules
    except RuleError as exc:
        print(f"errcheck: dictionary error: {exc}", file=err)
        return EXIT_ERROR
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

    check = sub.add_parser("check", help="check files and directories (or - for standard input)")
    check.add_argument("paths", nargs="+", metavar="PATH")
    common(check)
    check.add_argument("--format", choices=formats.FORMATS, default="text")
    inputs.add_arguments(check)
    fixes.add_arguments(check)
    check.add_argument("--as-of", metavar="YYYY-MM-DD", help="judge dated rules as of this day")
    check.add_argument("--fail-on", choices=[s.label for s in Severity], default="serious",
                       help="exit 1 when a finding at or above this severity exists (default: serious)")
    check.add_argument("--backend", choices=["daachorse", "pyahocorasick"], default="daachorse")
    check.add_argument("--mode", choices=["fast", "thorough"], default="fast",
                       help="thorough: a language model also looks for typos no rule names (slower)")
    check.add_argument("--color", choices=["auto", "always", "never"], default="auto")
    check.set_defaults(handler=_cmd_check)

    rules = sub.add_parser("rules", help="list the rules in force")
    common(rules)
    rules.add_argument("--format", choices=["text", "json"], default="text")
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
