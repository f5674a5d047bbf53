"""What the command line applies to each checked file: its configuration file (see
`errcheck.config`) with the command-line options on top, turned into a `Checker`, the
options of each `Checker.check` call and the post-filters (the user's allow-list, the
file's inline suppressions: `errcheck.suppress`).

Files under different configuration files may need different rule sets; a `Checker` is
built once per set of dictionaries and shared by every file that uses it.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

from .allowlist import AllowList
from .checker import Checker, _as_date
from .config import ConfigError, Resolver, Settings, rule_selection
from .model import Report, Severity
from .selectors import Layer, RuleSelection, parse_selectors
from .suppress import UNUSED_CATEGORY, UNUSED_CODE, UNUSED_RULE, Suppressions

DEFAULTS = {"min-severity": "warning", "fail-on": "serious", "mode": "fast", "report-unused-ignores": False}


@dataclass
class Options:
    """The command line's settings; None (or empty) means "not given"."""

    select: Sequence[str] | None = None
    extend_select: Sequence[str] = ()
    ignore: Sequence[str] = ()
    extend_ignore: Sequence[str] = ()
    min_severity: str | None = None
    fail_on: str | None = None
    as_of: str | None = None
    mode: str | None = None
    dictionaries: Sequence[str] = ()
    allow: Sequence[str] = ()
    report_unused_ignores: bool | None = None
    categories: Sequence[str] | None = None
    backend: str = "daachorse"

    def layer(self) -> Layer | None:
        select = _joined(self.select) if self.select is not None else None
        ext, ign = _joined(self.extend_select), _joined(self.ignore) + _joined(self.extend_ignore)
        if select is None and not ext and not ign:
            return None
        return Layer(select=parse_selectors(select, "--select") if select is not None else None,
                     extend_select=parse_selectors(ext, "--extend-select"),
                     ignore=parse_selectors(ign, "--ignore"))


def _joined(values) -> list[str]:
    """``--select A,B --select C`` → [A, B, C]."""
    if values is None:
        return []
    out = []
    for v in values:
        out.extend(p for p in str(v).replace(",", " ").split() if p)
    return out


@dataclass
class FilePlan:
    """How to check one file."""

    settings: Settings
    checker: Checker
    selection: RuleSelection
    min_severity: Severity
    fail_on: Severity
    as_of: _dt.date | None
    mode: str
    allow: AllowList | None
    report_unused: bool
    categories: Sequence[str] | None = None
    values: dict = field(default_factory=dict)

    def check(self, text: str, source: str | None = None, *, suppress: bool = True,
              as_of: _dt.date | None = None) -> Report:
        """Check ``text``; ``source`` is the file as written, whose comments hold the
        suppressions and whose lines the findings carry (``text`` itself by default).
        Without ``suppress`` the caller applies `suppress` itself (after moving the
        findings to the file's lines, as for an HTML file). ``as_of``: the day to judge
        dated rules by instead of the plan's (a date inferred from the document)."""
        report = self.checker.check(text, as_of=as_of or self.as_of, min_severity=self.min_severity.label, mode=self.mode,
                                    categories=self.categories, rule_selection=self.selection, allow=self.allow)
        return self.suppress(source if source is not None else text, report) if suppress else report

    def suppress(self, source: str, report: Report) -> Report:
        suppressions = Suppressions(source)
        if not suppressions:
            return report
        unused = self.report_unused and self._reports_unused()
        return suppressions.filter(report, report_unused=unused)

    def _reports_unused(self) -> bool:
        return (UNUSED_RULE.severity >= self.min_severity and self.selection.enabled(UNUSED_CODE, UNUSED_CATEGORY)
                and not self.categories)


class Project:
    """Configuration files and command-line options → a `FilePlan` per checked file."""

    def __init__(self, options: Options, config: str | Path | None = None, isolated: bool = False) -> None:
        self.options = options
        self.resolver = Resolver(config, isolated)
        self.cli_layer = options.layer()  # ValueError on a bad selector
        self._checkers: dict[tuple, Checker] = {}
        self._validated: set = set()
        self._allow_lists: dict[int, tuple[Settings, AllowList | None]] = {}  # per configuration

    def settings(self, path: str | None) -> Settings:
        return self.resolver.for_path(path)

    def values(self, settings: Settings) -> dict:
        """The effective settings (file, then command line, then defaults), as plain data."""
        o = self.options
        file = settings.to_dict()
        layer = self.cli_layer
        select = file["select"]
        if layer is not None and layer.select is not None:
            select = list(layer.select)
        values = {
            "select": select if select is not None else ["ALL"],
            "extend-select": file["extend-select"] + list(layer.extend_select if layer else ()),
            "ignore": file["ignore"] + file["extend-ignore"] + list(layer.ignore if layer else ()),
            "per-file-ignores": file["per-file-ignores"],
            "min-severity": o.min_severity or file["min-severity"] or DEFAULTS["min-severity"],
            "fail-on": o.fail_on or file["fail-on"] or DEFAULTS["fail-on"],
            "as-of": o.as_of or file["as-of"],
            "mode": o.mode or file["mode"] or DEFAULTS["mode"],
            "dictionaries": [str(Path(d).resolve()) for d in o.dictionaries] or file["dictionaries"],
            "allow": file["allow"] + list(o.allow),
            "allow-files": file["allow-files"],
            "report-unused-ignores": (o.report_unused_ignores if o.report_unused_ignores is not None
                                      else file["report-unused-ignores"] if file["report-unused-ignores"] is not None
                                      else DEFAULTS["report-unused-ignores"]),
        }
        if layer is not None and layer.select is not None:
            # a select on the command line starts again, as in the file layers
            values["ignore"] = list(layer.ignore)
            values["extend-select"] = list(layer.extend_select)
        return values

    def checker(self, dictionaries: Sequence[str]) -> Checker:
        key = tuple(str(d) for d in dictionaries)
        if key not in self._checkers:
            self._checkers[key] = Checker(list(key), backend=self.options.backend)
        return self._checkers[key]

    def _allow_list(self, settings: Settings) -> AllowList | None:
        """The configuration's allow-list with the command line's phrases, compiled once per
        configuration file (not once per checked file)."""
        cached = self._allow_lists.get(id(settings))
        if cached is not None and cached[0] is settings:
            return cached[1]
        allow = settings.allow_list()
        if self.options.allow:
            allow = AllowList((allow.phrases if allow else ()) + tuple(self.options.allow))
        self._allow_lists[id(settings)] = (settings, allow)
        return allow

    def plan(self, path: str | None) -> FilePlan:
        """The plan for ``path`` (None or ``-``: standard input). Raises `ConfigError` or
        `errcheck.rules.RuleError` (from loading the rules) or ValueError."""
        settings = self.settings(path)
        values = self.values(settings)
        checker = self.checker(values["dictionaries"])
        selection = rule_selection(settings, self.cli_layer, None if path in (None, "-") else path)
        self._validate(settings, checker)
        allow = self._allow_list(settings)
        as_of = values["as-of"]
        return FilePlan(
            settings=settings,
            checker=checker,
            selection=selection,
            min_severity=Severity.parse(values["min-severity"]),
            fail_on=Severity.parse(values["fail-on"]),
            as_of=_as_date(as_of),
            mode=values["mode"],
            allow=allow,
            report_unused=bool(values["report-unused-ignores"]),
            categories=self.options.categories,
            values=values,
        )

    def _validate(self, settings: Settings, checker: Checker) -> None:
        """Every selector must name some rule: a typo (``TY002``, ``typos``) is an error,
        not a silent no-op. Checked once per (configuration, rule set)."""
        key = (settings.path, id(checker))
        if key in self._validated:
            return
        rules = list(checker.rules) + [UNUSED_RULE]
        layer = settings.layer()
        for name, selectors in (("select", layer.select or ()), ("extend-select", settings.extend_select),
                                ("ignore", settings.ignore), ("extend-ignore", settings.extend_ignore)):
            bad = RuleSelection([Layer(ignore=tuple(selectors))]).unmatched(rules)
            if bad:
                raise ConfigError(settings.path or "configuration", _key(settings, name),
                                  f"{', '.join(map(repr, bad))} matches no rule")
        for glob, selectors in settings.per_file_ignores:
            bad = RuleSelection([Layer(ignore=selectors)]).unmatched(rules)
            if bad:
                raise ConfigError(settings.path, _key(settings, "per-file-ignores"),
                                  f"{glob!r}: {', '.join(map(repr, bad))} matches no rule")
        if self.cli_layer is not None:
            bad = RuleSelection([self.cli_layer]).unmatched(rules)
            if bad:
                raise ValueError(f"rule selector {', '.join(map(repr, bad))} matches no rule")
        self._validated.add(key)


def _key(settings: Settings, name: str) -> str:
    return f"{settings.table}.{name}" if settings.table else name
