"""Command line: ``errcheck check PATH... | -``, ``errcheck rules``, ``errcheck explain CODE``
and ``errcheck config [PATH]``.

Exit status (pinned by tests): 0 no serious finding, 1 at least one ``serious`` finding
(or one at/above ``--fail-on``), 2 usage, input, configuration or dictionary error.
Settings come from the nearest configuration file (`errcheck.config`), the command line
overriding it; `errcheck.project` turns both into a plan per checked file.
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
from .config import ConfigError
from .model import Severity
from .rules import CATEGORIES, RuleError

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2

EXIT_CODES_HELP = """exit status:
  0  no finding at or above --fail-on (default: serious)
  1  at least one finding at or above --fail-on
  2  usage error, unreadable input, invalid configuration or dictionary
"""


def _use_colour(stream, choice: str) -> bool:
    if choice == "always":
        return True
    if choice == "never" or os.environ.get("NO_COLOR"):
        return False
    return hasattr(stream, "isatty") and stream.isatty()


def _project(args: argparse.Namespace):
    from .project import Options, Project

    options = Options(
        select=args.select, extend_select=args.extend_select or (), ignore=args.ignore or (),
        extend_ignore=args.extend_ignore or (), min_severity=args.min_severity,
        fail_on=getattr(args, "fail_on", None), as_of=getattr(args, "as_of", None), mode=getattr(args, "mode", None),
        dictionaries=args.dictionaries or (), allow=getattr(args, "allow", None) or (),
        report_unused_ignores=getattr(args, "report_unused_ignores", None), categories=args.category,
        backend=getattr(args, "backend", "daachorse"))
    return Project(options, config=args.config, isolated=args.isolated)


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


def _cmd_check(args: argparse.Namespace, out, err) -> int:
    from .cache_prune import prune_after_build

    if getattr(args, "allow_file", None):
        from .allowlist import read_allow_file

        try:
            args.allow = list(args.allow or ()) + [p for f in args.allow_file for p in read_allow_file(f)]
        except RuleError as exc:
            print(f"errcheck: allow-list error: {exc}", file=err)
            return EXIT_ERROR
    infer_dates = args.as_of == "auto"
    if infer_dates:
        args.as_of = None  # the configuration's and the command line's day give way to the document's
    progress = _progress_for(err)
    try:
        project = _project(args)
    except ValueError as exc:  # an invalid --allow phrase or selector
        print(f"errcheck: {exc}", file=err)
        return EXIT_ERROR
    except ConfigError as exc:
        print(f"errcheck: config error: {exc}", file=err)
        return EXIT_ERROR
    plans: dict = {}
    loaded: set = set()
    rules: dict = {}  # code -> rule of every rule set in use (SARIF describes the rules)

    def plan_for(path: str):
        plan = plans.get(path)
        if plan is None:
            plan = plans[path] = project.plan(path)
            if id(plan.checker) not in loaded:
                plan.checker.progress = progress
                try:
                    plan.checker.load()
                finally:
                    if progress is not None:
                        progress.finish()
                prune_after_build(plan.checker)  # a new rule set was compiled and cached: drop the oldest
                if args.own_process:  # this process checks and exits: freeze what it loaded
                    plan.checker.settle(plan.mode)
                loaded.add(id(plan.checker))
                rules.update({r.code: r for r in plan.checker.rules})
        return plan

    try:  # configuration and dictionary errors stop the run before any output
        for path in args.paths:
            plan_for(path)
    except RuleError as exc:
        print(f"errcheck: dictionary error: {exc}", file=err)
        return EXIT_ERROR
    except ConfigError as exc:
        print(f"errcheck: config error: {exc}", file=err)
        return EXIT_ERROR
    # JSON: one file named → its report; directories or several files → {"files": [...]}
    single = len(args.paths) == 1 and not os.path.isdir(args.paths[0])
    emit = formats.emitter(args.format, out, colour=_use_colour(out, args.color), single=single,
                           rules=rules if args.format == "sarif" else None)
    status = EXIT_OK
    fixed = fixed_files = changed = remaining = 0

    def failed(error: Exception) -> None:
        nonlocal status
        print(f"errcheck: {error}", file=err)
        emit.error(error)
        status = EXIT_ERROR

    for path in inputs.iter_paths(args.paths, inputs.selection_from(args)):
        if isinstance(path, inputs.InputError):
            failed(path)
            continue
        try:
            plan = plan_for(path)
        except (RuleError, ConfigError) as exc:  # a configuration found under a directory
            failed(inputs.InputError(path, f"configuration: {exc}"))
            continue
        try:
            source = inputs.load(path, args.encoding)
        except inputs.InputError as exc:
            failed(exc)
            continue

        as_of = _document_date(source, err) if infer_dates else None

        def check(text: str, plan=plan, as_of=as_of):
            return plan.check(text, suppress=False, as_of=as_of)

        result = _suppressed(plan, inputs.locate(source, check(source.checked)))
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
                result = _suppressed(plan, result)
                fixed, fixed_files = fixed + count, fixed_files + (count > 0)
        remaining += len(result.report.findings)
        if any(f.severity >= plan.fail_on for f in result.report.findings) and status != EXIT_ERROR:
            status = EXIT_FINDINGS
        emit.file(result)
    if args.diff:
        return EXIT_ERROR if status == EXIT_ERROR else (EXIT_FINDINGS if changed else EXIT_OK)
    emit.finish()
    if args.fix:
        print(f"errcheck: {fixed} fixed in {fixed_files} files, {remaining} remaining", file=err)
    return status


def _document_date(source, err):
    """The day a document is judged as of with ``--as-of auto``: its own date (see
    `errcheck.dates.infer_date`: the path, HTML meta tags, a 成文日期 line, the year of
    its 发文字号), said on stderr with where it came from; None (today) without one."""
    from .dates import infer_date

    meta = None
    if source.kind == "html":
        from .htmltext import meta_tags

        meta = meta_tags(source.text)
    found = infer_date(source.checked, meta=meta, path=None if source.path == inputs.STDIN else source.path)
    shown = found.date.isoformat() if found.date else "today (no date found)"
    print(f"errcheck: {source.name}: judged as of {shown} ({found.source})", file=err)
    return found.date


def _suppressed(plan, result):
    """``result`` without the findings that the file's inline suppressions silence (read
    from the file as written, with the file's lines: the findings are located first)."""
    report = plan.suppress(result.source.text, result.report)
    if report is result.report:
        return result
    places = {id(f): p for f, p in zip(result.report.findings, result.places)}
    kept = []
    for f in report.findings:
        place = places.get(id(f))
        if place is None:  # an unused-suppression finding: offsets in the file's text
            place = inputs.Place(f.line, f.column, f.line, f.column + len(f.text), f.start, f.end)
        kept.append(place)
    return inputs.Result(result.source, report, tuple(kept))


def _selected_rules(args: argparse.Namespace, err):
    """The rules ``rules`` lists: the configuration's and the flags' selection, or an exit
    status after an error."""
    from .loader import load_rules
    from .suppress import UNUSED_RULE

    try:
        project = _project(args)
        settings = project.settings(None)
        values = project.values(settings)
        checker = Checker(values["dictionaries"], categories=args.category, min_severity=values["min-severity"])
        rules = list(load_rules(checker.paths)) + [UNUSED_RULE]
    except RuleError as exc:
        print(f"errcheck: dictionary error: {exc}", file=err)
        return None, EXIT_ERROR
    except ConfigError as exc:
        print(f"errcheck: config error: {exc}", file=err)
        return None, EXIT_ERROR
    from .config import rule_selection

    selection = rule_selection(settings, project.cli_layer)
    keep = [r for r in rules if checker.selection.accepts_rule(r) and selection.enabled(r.code, r.category)]
    return sorted(keep, key=lambda r: r.code), EXIT_OK


def _cmd_rules(args: argparse.Namespace, out, err) -> int:
    from . import ruledoc

    selected, status = _selected_rules(args, err)
    if selected is None:
        return status
    if args.search:
        selected = ruledoc.search(selected, args.search)
    if args.format == "json":
        data = [
            {
                "code": r.code,
                "category": r.category,
                "severity": r.severity.label,
                "family": r.family,
                "wrong": list(r.wrong),
                "right": list(r.right),
                "forms": None if r.wrong else ruledoc.wrong_forms(r),
                "message": r.message,
                "source": r.source,
            }
            for r in selected
        ]
        print(json.dumps(data, ensure_ascii=False, indent=2), file=out)
    else:
        for r in selected:
            print(f"{r.code}  {r.severity.label:<8} {r.category:<13} {ruledoc.wrong_forms(r)} → {ruledoc.right_forms(r)}",
                  file=out)
            print(f"        {ruledoc.sample_message(r)}  [{r.source}]", file=out)
        print(f"{len(selected)} rules", file=out)
    return EXIT_OK


def _cmd_explain(args: argparse.Namespace, out, err) -> int:
    from . import ruledoc
    from .loader import load_rules
    from .suppress import UNUSED_RULE

    code = args.code.strip().upper()
    try:
        checker = Checker(args.dictionaries)
        rules = {r.code: r for r in load_rules(checker.paths)}
    except RuleError as exc:
        print(f"errcheck: dictionary error: {exc}", file=err)
        return EXIT_ERROR
    rules[UNUSED_RULE.code] = UNUSED_RULE
    rule = rules.get(code)
    if rule is None:
        import difflib

        close = difflib.get_close_matches(code, list(rules), n=3)
        hint = f" (did you mean {', '.join(close)}?)" if close else ""
        print(f"errcheck: unknown rule code {args.code!r}{hint}; `errcheck rules` lists them", file=err)
        return EXIT_ERROR
    if args.format == "json":
        print(json.dumps(ruledoc.to_dict(rule), ensure_ascii=False, indent=2), file=out)
    else:
        for line in ruledoc.explain(rule):
            print(line, file=out)
    return EXIT_OK


def _cmd_config(args: argparse.Namespace, out, err) -> int:
    path = args.path
    try:
        project = _project(args)
        settings = project.settings(None if path in (None, "-") else path)
        values = project.values(settings)
    except ConfigError as exc:
        print(f"errcheck: config error: {exc}", file=err)
        return EXIT_ERROR
    origin = str(settings.path) if settings.path else None
    if args.format == "json":
        print(json.dumps({"config": origin, "table": settings.table or None, "settings": values},
                         ensure_ascii=False, indent=2), file=out)
        return EXIT_OK
    if origin:
        where = f"{origin} [{settings.table}]" if settings.table else origin
        print(f"# settings from {where}, with the command line on top", file=out)
    else:
        why = "--isolated" if args.isolated else "no errcheck.toml or [tool.errcheck] found"
        print(f"# built-in defaults ({why}), with the command line on top", file=out)
    for key, value in values.items():
        if value is None:
            print(f"# {key} is not set", file=out)
        else:
            print(f"{key} = {_toml_value(value)}", file=out)
    return EXIT_OK


def _toml_value(value) -> str:
    """``value`` written as TOML (strings, booleans, lists and tables of them)."""
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{json.dumps(k, ensure_ascii=False)} = {_toml_value(v)}"
                                for k, v in value.items()) + " }" if value else "{}"
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    return json.dumps(str(value), ensure_ascii=False)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="errcheck",
        description="Find typos, serious expression errors and sensitive wording in Chinese text.",
        epilog=MAIN_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"errcheck {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def common(p: argparse.ArgumentParser) -> None:
        p.add_argument("--dictionaries", "-d", action="append", metavar="DIR",
                       help="extra dictionary file or directory; adds to (and overrides by code) the shipped rules; repeatable")
        p.add_argument("--min-severity", choices=[s.label for s in Severity], default=None,
                       help="report only findings at or above this severity")
        p.add_argument("--category", action="append", choices=CATEGORIES, help="report only this category; repeatable")
        config_options(p)

    def config_options(p: argparse.ArgumentParser) -> None:
        g = p.add_argument_group("configuration (errcheck.toml or [tool.errcheck] in pyproject.toml)")
        g.add_argument("--config", metavar="FILE", help="use this configuration file instead of the nearest one")
        g.add_argument("--isolated", action="store_true", help="ignore every configuration file")
        g.add_argument("--select", action="append", metavar="CODES",
                       help="rule selectors to report (codes, prefixes such as TY or CW00, categories, ALL; "
                            "comma-separated, repeatable); replaces the file's select")
        g.add_argument("--extend-select", action="append", metavar="CODES", help="selectors added to select")
        g.add_argument("--ignore", action="append", metavar="CODES", help="selectors not to report")
        g.add_argument("--extend-ignore", action="append", metavar="CODES", help="the same as --ignore")

    check = sub.add_parser("check", help="check files and directories (or - for standard input)")
    check.add_argument("paths", nargs="+", metavar="PATH")
    common(check)
    check.add_argument("--format", choices=formats.FORMATS, default="text")
    inputs.add_arguments(check)
    fixes.add_arguments(check)
    check.add_argument("--as-of", metavar="YYYY-MM-DD|auto",
                       help="judge dated rules as of this day; auto: as of each document's own date (from its path, "
                            "HTML meta tags, 成文日期 line or 发文字号 year), said on stderr")
    check.add_argument("--fail-on", choices=[s.label for s in Severity], default=None,
                       help="exit 1 when a finding at or above this severity exists (default: serious)")
    check.add_argument("--backend", choices=["daachorse", "pyahocorasick"], default="daachorse")
    check.add_argument("--mode", choices=["fast", "thorough"], default=None,
                       help="thorough: a language model also looks for typos no rule names (slower; default: fast)")
    check.add_argument("--color", choices=["auto", "always", "never"], default="auto")
    check.add_argument("--allow", action="append", metavar="PHRASE",
                       help="never flag this phrase (a name, a local slogan): findings overlapping it are dropped; "
                            "repeatable")
    check.add_argument("--allow-file", action="append", metavar="FILE",
                       help="phrases never flagged, one a line ('#' starts a comment); repeatable")
    check.add_argument("--report-unused-ignores", action="store_true", default=None,
                       help="report suppression comments that silenced nothing (as EC0001 warnings)")
    check.set_defaults(handler=_cmd_check)

    rules = sub.add_parser("rules", help="list the rules in force")
    common(rules)
    rules.add_argument("--format", choices=["text", "json"], default="text")
    rules.add_argument("--search", metavar="TEXT",
                       help="only rules whose code, forms, message or source contain TEXT")
    rules.set_defaults(handler=_cmd_rules)

    explain = sub.add_parser("explain", help="show everything about one rule")
    explain.add_argument("code", metavar="CODE")
    explain.add_argument("--dictionaries", "-d", action="append", metavar="DIR",
                         help="extra dictionary file or directory (your own rules); repeatable")
    explain.add_argument("--format", choices=["text", "json"], default="text")
    explain.set_defaults(handler=_cmd_explain)

    config = sub.add_parser("config", help="show the settings in force for a file or directory")
    config.add_argument("path", nargs="?", metavar="PATH",
                        help="the file or directory whose configuration to show (default: the working directory)")
    config.add_argument("--format", choices=["text", "json"], default="text")
    config.add_argument("--dictionaries", "-d", action="append", metavar="DIR", help=argparse.SUPPRESS)
    config.add_argument("--min-severity", choices=[s.label for s in Severity], default=None, help=argparse.SUPPRESS)
    config.add_argument("--category", action="append", choices=CATEGORIES, help=argparse.SUPPRESS)
    config_options(config)
    config.set_defaults(handler=_cmd_config)

    for module in COMMAND_MODULES:
        _add_commands_from(module, sub)
    for name, p in sub.choices.items():  # examples for every sub-command, ours and the front-ends'
        if name in EXAMPLES and not p.epilog:
            p.epilog = EXAMPLES[name]
            p.formatter_class = argparse.RawDescriptionHelpFormatter
    return parser


MAIN_EPILOG = """examples:
  errcheck check draft.txt                 check a file (or - for standard input)
  errcheck rules --search 京津              find rules
  errcheck explain TY0002                  everything about one rule
  errcheck config                          the settings in force here
  errcheck COMMAND --help                  options and examples of a command

""" + EXIT_CODES_HELP

EXAMPLES = {
    "check": """examples:
  errcheck check draft.txt notes.md
  cat draft.txt | errcheck check - --format json
  errcheck check draft.txt --min-severity error --fail-on error
  errcheck check draft.txt --select TY,FP --ignore TY0002
  errcheck check old.txt --as-of 2017-06-30 --mode thorough
  errcheck check archive/ --as-of auto     (each document as of its own date)
  errcheck check draft.txt --allow 浙里办 --report-unused-ignores
  errcheck check docs/ --include '*.md' --exclude 'drafts/' --encoding auto
  errcheck check docs/ --format sarif > errcheck.sarif
  errcheck check docs/ --diff          (exit 1 if a safe fix would change a file)
  errcheck check docs/ --fix           (write the safe fixes, report what remains)

suppressions in the checked file (see README, "Suppressions"):
  <!-- errcheck: ignore TY0002 -->    the next line
  <!-- errcheck: disable -->  ...  <!-- errcheck: enable -->

""" + EXIT_CODES_HELP,
    "annotate": """examples:
  errcheck annotate 通知稿.docx                      writes 通知稿.checked.docx with a comment per finding
  errcheck annotate 通知稿.docx --track-changes -o 通知稿.修订.docx
  errcheck annotate page.html                       <mark> around each finding
  errcheck annotate draft.txt --mode thorough

""" + EXIT_CODES_HELP,
    "rules": """examples:
  errcheck rules
  errcheck rules --category sensitive
  errcheck rules --search 截止
  errcheck rules --select CW,PT --format json
""",
    "explain": """examples:
  errcheck explain TY0002
  errcheck explain CW0001 --format json

exit status: 0, or 2 for an unknown code
""",
    "config": """examples:
  errcheck config                       settings for the working directory
  errcheck config docs/draft.md         settings for that file (nearest configuration)
  errcheck config --format json
  errcheck config --isolated            the built-in defaults

configuration keys (errcheck.toml, or [tool.errcheck] in pyproject.toml):
  select, extend-select, ignore, extend-ignore, per-file-ignores, min-severity,
  fail-on, as-of, mode, dictionaries, allow, allow-files, report-unused-ignores
""",
    "scan": """examples:
  errcheck scan site-archive/ --out results/
  errcheck scan articles.jsonl --text-field body --date-field published --out results/
  errcheck scan site-archive/ --out results/ --resume
""",
    "report": """examples:
  errcheck report results/
""",
    "serve": """examples:
  errcheck serve
  errcheck serve --host 0.0.0.0 --port 8000 --workers 2
""",
}


#: Front-ends that live outside the core register their sub-commands here. Each module
#: has ``add_commands(subparsers)`` and imports its heavy dependencies (FastAPI, dask...)
#: only inside its handlers, so ``errcheck check`` never pays for them.
COMMAND_MODULES = ("errcheck.batch.cli", "errcheck.annotate.cli", "service.cli")


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
    # the command line's own process (not a program calling main(argv)): commands may
    # freeze what they load for the collector (Checker.settle)
    args.own_process = argv is None
    try:
        status = args.handler(args, out, err)
        out.flush()
        return status
    except BrokenPipeError:
        # the reader of our output went away (`errcheck rules | head`): stop quietly. As
        # Python's documentation advises (signal module, "Note on SIGPIPE"), point stdout
        # at devnull so the flush at exit does not raise again.
        if out is sys.__stdout__ or out is sys.stdout:
            try:
                devnull = os.open(os.devnull, os.O_WRONLY)
                os.dup2(devnull, sys.stdout.fileno())
            except (OSError, ValueError):
                pass
        return EXIT_FINDINGS
    except ValueError as exc:  # e.g. a malformed --as-of date, an unknown rule selector
        print(f"errcheck: {exc}", file=err)
        return EXIT_ERROR
