"""Output formats of ``errcheck check --format``: one class per format with ``file()``
per checked file, ``error()`` per unreadable one and ``finish()`` at the end.

==========  ===================================================================================
``text``    ``file:line:column: CODE [severity] 「wrong」 → suggestion  message`` and a verdict line
``json``    the report of each file (`Report.to_dict` plus ``path``)
``jsonl``   one JSON object per finding, with ``path``
``sarif``   SARIF 2.1.0 (GitHub code scanning), columns counted in Unicode code points
``github``  GitHub Actions workflow commands (``::error file=...::message``): annotations
``junit``   JUnit XML, one test suite and one test case per file, failed when it has findings
==========  ===================================================================================

Severities: SARIF ``level`` serious → ``error``, error → ``warning``, warning → ``note``
(a serious finding fails an article; an ordinary typo is a warning in code-scanning terms);
GitHub annotations serious and error → ``error``, warning → ``warning`` (GitHub's
``notice`` is easily overlooked for a typo). Lines and columns are 1-based and count code
points (an emoji or a CJK Extension B character is one column); ends are exclusive.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from urllib.parse import quote

from ._version import __version__
from .fixes import fix_edit
from .inputs import InputError, Result, finding_dict
from .model import Finding, Severity

FORMATS = ("text", "json", "jsonl", "sarif", "github", "junit")

SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
SARIF_LEVEL = {Severity.SERIOUS: "error", Severity.ERROR: "warning", Severity.WARNING: "note"}
GITHUB_LEVEL = {Severity.SERIOUS: "error", Severity.ERROR: "error", Severity.WARNING: "warning"}
COLOURS = {Severity.SERIOUS: "\033[1;31m", Severity.ERROR: "\033[33m", Severity.WARNING: "\033[36m"}
RESET = "\033[0m"


def emitter(name: str, out, *, colour: bool = False, rules=None, single: bool = False):
    """The formatter ``name`` writing to ``out``; ``rules`` (code → `errcheck.rules.Rule`)
    describes the rules in SARIF; ``single``: JSON gives the one file's report itself
    rather than ``{"files": [...]}``."""
    return {"text": Text, "json": Json, "jsonl": JsonLines, "sarif": Sarif, "github": GitHub,
            "junit": JUnit}[name](out, colour=colour, rules=rules, single=single)


class Formatter:
    def __init__(self, out, *, colour: bool = False, rules=None, single: bool = False) -> None:
        self.out, self.colour, self.rules, self.single = out, colour, rules or {}, single

    def file(self, result: Result) -> None:
        pass

    def error(self, error: InputError) -> None:
        """A file that could not be read (also reported on standard error)."""

    def finish(self) -> None:
        pass

    def write(self, line: str) -> None:
        print(line, file=self.out)


def describe(f: Finding) -> str:
    """``「wrong」 → suggestion  message``: the finding in one line."""
    suggestion = " → " + " / ".join(f.suggestions) if f.suggestions else ""
    return f"「{f.text}」{suggestion}  {f.message}"


def text_lines(name: str, report, colour: bool = False) -> list[str]:
    lines = []
    for f in report.findings:
        sev = f.severity.label
        if colour:
            sev = f"{COLOURS[f.severity]}{sev}{RESET}"
        lines.append(f"{name}:{f.line}:{f.column}: {f.code} [{sev}] {describe(f)}")
    counts = ", ".join(f"{n} {label}" for label, n in report.counts.items())
    lines.append(f"{name}: {report.verdict} (score {report.score}; {counts})")
    return lines


class Text(Formatter):
    def file(self, result: Result) -> None:
        for line in text_lines(result.source.name, result.report, self.colour):
            self.write(line)


class Json(Formatter):
    def __init__(self, out, **kwargs) -> None:
        super().__init__(out, **kwargs)
        self.files: list[dict] = []
        self.errors: list[dict] = []

    def file(self, result: Result) -> None:
        doc = {"path": result.source.name, **result.report.to_dict()}
        doc["findings"] = [finding_dict(result, i) for i in range(len(result.report.findings))]
        self.files.append(doc)

    def error(self, error: InputError) -> None:
        self.errors.append({"path": error.path, "reason": error.reason})

    def finish(self) -> None:
        if self.single and len(self.files) == 1 and not self.errors:
            doc = self.files[0]
        else:
            doc = {"files": self.files, **({"errors": self.errors} if self.errors else {})}
        self.write(json.dumps(doc, ensure_ascii=False, indent=2))


class JsonLines(Formatter):
    def file(self, result: Result) -> None:
        for i in range(len(result.report.findings)):
            self.write(json.dumps({"path": result.source.name, **finding_dict(result, i)}, ensure_ascii=False))


# --- SARIF ----------------------------------------------------------------------------------


def artifact_uri(name: str) -> str:
    """A URI reference for a file: its path relative to the current directory
    (percent-encoded, ``/``-separated), or a ``file:`` URI when it is outside."""
    if name == "<stdin>":
        return "stdin"
    path = os.path.abspath(name)
    try:
        rel = os.path.relpath(path)
    except ValueError:
        rel = None
    if rel is None or rel == os.pardir or rel.startswith(os.pardir + os.sep):
        return Path(path).as_uri()
    return quote(Path(rel).as_posix())


def _region(place) -> dict:
    return {"startLine": place.line, "startColumn": place.column,
            "endLine": place.end_line, "endColumn": place.end_column}


class Sarif(Formatter):
    def __init__(self, out, **kwargs) -> None:
        super().__init__(out, **kwargs)
        self.results: list[dict] = []
        self.rule_index: dict[str, int] = {}
        self.descriptors: list[dict] = []
        self.notifications: list[dict] = []

    def _rule(self, f: Finding) -> int:
        if f.code not in self.rule_index:
            self.rule_index[f.code] = len(self.descriptors)
            self.descriptors.append(self._descriptor(f))
        return self.rule_index[f.code]

    def _descriptor(self, f: Finding) -> dict:
        rule = self.rules.get(f.code)
        if rule is not None and rule.wrong:
            forms = "/".join(rule.wrong[:4]) + ("/…" if len(rule.wrong) > 4 else "")
            short = f"{forms} → {'/'.join(rule.right)}" if rule.right else forms
            full = rule.format_message(rule.wrong[0])
        else:
            short, full = f.message, f.message
        source = rule.source if rule is not None else f.source
        return {
            "id": f.code,
            "shortDescription": {"text": short},
            "fullDescription": {"text": full},
            "help": {"text": f"{full}\n\n{source}" if source else full},
            "defaultConfiguration": {"level": SARIF_LEVEL[f.severity]},
            "properties": {"category": f.category, "severity": f.severity.label, "tags": [f.category]},
        }

    def file(self, result: Result) -> None:
        uri = artifact_uri(result.source.name)
        for i, (f, place) in enumerate(zip(result.report.findings, result.places)):
            item = {
                "ruleId": f.code,
                "ruleIndex": self._rule(f),
                "level": SARIF_LEVEL[f.severity],
                "message": {"text": describe(f)},
                "locations": [{"physicalLocation": {
                    "artifactLocation": {"uri": uri},
                    "region": {**_region(place), "snippet": {"text": result.source.text[place.start:place.end]}},
                }}],
                "properties": {"severity": f.severity.label, "category": f.category, "kind": f.kind,
                               "applicability": f.applicability, "suggestions": list(f.suggestions)},
            }
            edit = fix_edit(result, i)
            if edit is not None:
                item["fixes"] = [{
                    "description": {"text": f"「{f.text}」 → 「{edit[2]}」"},
                    "artifactChanges": [{
                        "artifactLocation": {"uri": uri},
                        "replacements": [{"deletedRegion": _region(place), "insertedContent": {"text": edit[2]}}],
                    }],
                }]
            self.results.append(item)

    def error(self, error: InputError) -> None:
        note = {"level": "error", "message": {"text": error.reason}}
        if error.path:
            note["locations"] = [{"physicalLocation": {"artifactLocation": {"uri": artifact_uri(error.path)}}}]
        self.notifications.append(note)

    def log(self) -> dict:
        invocation = {"executionSuccessful": not self.notifications}
        if self.notifications:
            invocation["toolExecutionNotifications"] = self.notifications
        return {
            "$schema": SARIF_SCHEMA,
            "version": "2.1.0",
            "runs": [{
                "tool": {"driver": {"name": "errcheck", "version": __version__, "semanticVersion": __version__,
                                    "rules": self.descriptors}},
                "columnKind": "unicodeCodePoints",
                "invocations": [invocation],
                "results": self.results,
            }],
        }

    def finish(self) -> None:
        self.write(json.dumps(self.log(), ensure_ascii=False))  # not indented: the C encoder, 8× faster


# --- GitHub Actions ----------------------------------------------------------------------------


def escape_data(s: str) -> str:
    return s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(s: str) -> str:
    return escape_data(s).replace(":", "%3A").replace(",", "%2C")


class GitHub(Formatter):
    def file(self, result: Result) -> None:
        path = escape_property(Path(artifact_uri_path(result.source.name)).as_posix())
        for f, place in zip(result.report.findings, result.places):
            props = (f"file={path},line={place.line},col={place.column},endLine={place.end_line},"
                     f"endColumn={place.end_column},title={escape_property(f.code)}")
            self.write(f"::{GITHUB_LEVEL[f.severity]} {props}::{escape_data(f'[{f.severity.label}] ' + describe(f))}")

    def error(self, error: InputError) -> None:
        props = f" file={escape_property(artifact_uri_path(error.path))}" if error.path else ""
        self.write(f"::error{props}::{escape_data(error.reason)}")


def artifact_uri_path(name: str) -> str:
    """A file's path relative to the current directory when it is inside it."""
    path = os.path.abspath(name)
    try:
        rel = os.path.relpath(path)
    except ValueError:
        return name
    return name if rel == os.pardir or rel.startswith(os.pardir + os.sep) else rel


# --- JUnit --------------------------------------------------------------------------------------

#: characters XML 1.0 cannot hold, even escaped
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _xml(s: str) -> str:
    return _NOT_XML.sub("\ufffd", s)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


class JUnit(Formatter):
    def __init__(self, out, **kwargs) -> None:
        super().__init__(out, **kwargs)
        import xml.etree.ElementTree as ET

        self.ET = ET
        self.root = ET.Element("testsuites", name="errcheck")
        self.tests = self.failures = self.errors = 0

    def _suite(self, name: str, failures: int, errors: int):
        ET = self.ET
        suite = ET.SubElement(self.root, "testsuite", name=_xml(name), tests="1", failures=str(failures),
                              errors=str(errors), skipped="0")
        case = ET.SubElement(suite, "testcase", name=_xml(name), classname="errcheck", file=_xml(name))
        self.tests += 1
        self.failures += failures
        self.errors += errors
        return case

    def file(self, result: Result) -> None:
        report = result.report
        case = self._suite(result.source.name, 1 if report.findings else 0, 0)
        if report.findings:
            counts = ", ".join(f"{n} {label}" for label, n in report.counts.items())
            failure = self.ET.SubElement(case, "failure", type=report.verdict,
                                         message=_xml(f"{_plural(len(report.findings), 'finding')} ({counts})"))
            failure.text = _xml("\n".join(
                f"{f.line}:{f.column}: {f.code} [{f.severity.label}] {describe(f)}" for f in report.findings))

    def error(self, error: InputError) -> None:
        case = self._suite(error.path or "errcheck", 0, 1)
        self.ET.SubElement(case, "error", message=_xml(error.reason))

    def finish(self) -> None:
        self.root.set("tests", str(self.tests))
        self.root.set("failures", str(self.failures))
        self.root.set("errors", str(self.errors))
        body = self.ET.tostring(self.root, encoding="unicode")
        self.write('<?xml version="1.0" encoding="UTF-8"?>\n' + body)
