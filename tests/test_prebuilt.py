"""The compiled shipped rule set that a wheel ships (errcheck/data/prebuilt) is loaded
read-only when it was made for this installation, and ignored otherwise."""

import io
import json
import sys

import pytest

import errcheck
from errcheck import compiler
from errcheck.cli import ProgressPrinter
from errcheck.compiler import load_or_compile, prebuilt_path, write_prebuilt

from seed_cases import SEED_SENTENCE


@pytest.fixture(scope="module")
def prebuilt(tmp_path_factory, checker):
    folder = tmp_path_factory.mktemp("prebuilt")
    write_prebuilt(checker.load(), folder)
    return folder


def never_build():
    raise AssertionError("the rule set was built instead of loaded")


def test_a_matching_prebuilt_rule_set_is_loaded(prebuilt, checker, tmp_path):
    compiled = checker.load()
    (entry,) = json.loads((prebuilt / "manifest.json").read_text())
    assert entry["version"] == compiled.version and entry["python"] == "%d.%d" % sys.version_info[:2]
    loaded, how = load_or_compile(never_build, compiled.version, "daachorse", tmp_path, prebuilt=prebuilt)
    assert how == "prebuilt"
    assert list(tmp_path.iterdir()) == []  # read where it is, nothing copied
    assert loaded.patterns == compiled.patterns and loaded.version == compiled.version
    assert loaded.matcher.find_all(SEED_SENTENCE) == compiled.matcher.find_all(SEED_SENTENCE)


@pytest.mark.parametrize("field, value", [("python", "2.7"), ("errcheck", "0.0.0"), ("library", "0.0.1"),
                                          ("cache_format", 1)])
def test_a_prebuilt_rule_set_made_for_another_installation_is_ignored(prebuilt, checker, tmp_path, field, value):
    folder = tmp_path / "prebuilt"
    folder.mkdir()
    (entry,) = json.loads((prebuilt / "manifest.json").read_text())
    (folder / entry["file"]).symlink_to(prebuilt / entry["file"])
    (folder / "manifest.json").write_text(json.dumps([{**entry, field: value}]))
    assert prebuilt_path(entry["version"], "daachorse", folder) is None
    built = []
    compiled, how = load_or_compile(lambda: built.append(1) or checker.load(), entry["version"], "daachorse",
                                    tmp_path / "cache", prebuilt=folder)
    assert how == "built" and built == [1]


def test_a_damaged_prebuilt_rule_set_is_rebuilt(prebuilt, checker, tmp_path):
    folder = tmp_path / "prebuilt"
    folder.mkdir()
    (entry,) = json.loads((prebuilt / "manifest.json").read_text())
    (folder / entry["file"]).write_bytes(b"not a pickle")
    (folder / "manifest.json").write_text(json.dumps([entry]))
    _, how = load_or_compile(checker.load, entry["version"], "daachorse", None, prebuilt=folder)
    assert how == "built"
    (folder / "manifest.json").write_text("{broken")
    assert prebuilt_path(entry["version"], "daachorse", folder) is None


def test_a_checker_starts_from_the_prebuilt_rule_set(prebuilt, monkeypatch, tmp_path):
    monkeypatch.setattr(compiler, "PREBUILT_DIR", prebuilt)
    c = errcheck.Checker(cache_dir=tmp_path)
    c.load()
    assert c.load_info["source"] == "prebuilt"
    assert [f.code for f in c.check(SEED_SENTENCE).findings] == ["FP0001", "TY0002", "TY0001", "FP0002"]
    # a house dictionary goes on top of it without building the shipped rules
    (tmp_path / "house").mkdir()
    (tmp_path / "house" / "h.yaml").write_text(
        'entries:\n  - {code: HS0001, wrong: [市场监督局], right: [市场监督管理局], category: outdated, '
        'severity: error, message: "m", source: s, examples: {bad: ["[[市场监督局]]"]}}\n', encoding="utf-8")
    h = errcheck.Checker(tmp_path / "house", cache_dir=tmp_path)
    h.load()
    assert h.load_info["base"] == "prebuilt"
    assert [f.code for f in h.check("县市场监督局，京津翼").findings] == ["HS0001", "FP0001"]
    assert not list(tmp_path.glob("rules-*.pickle"))


def test_builds_report_progress(tmp_path):
    (tmp_path / "d.yaml").write_text(
        'entries:\n  - {code: XX0001, wrong: [名族], right: [民族], category: typo, severity: error, '
        'message: "m", source: s, examples: {bad: ["[[名族]]"]}}\n', encoding="utf-8")
    heard = []
    c = errcheck.Checker(tmp_path, builtin=False, cache=False, progress=lambda *a: heard.append(a))
    c.load()
    phases = [p for p, _, _ in heard]
    assert phases[0] == "reading dictionaries" and heard[0][1:] == (1, 1)
    assert "generating terms" in phases and phases[-1] == "building the automaton"


def test_the_progress_printer_speaks_only_after_a_second():
    now = [0.0]
    out = io.StringIO()
    printer = ProgressPrinter(out, clock=lambda: now[0])
    printer("reading dictionaries", 1, 40)
    now[0] = 0.5
    printer("generating terms", 1, 7)
    assert out.getvalue() == ""
    now[0] = 1.5
    printer("generating words", 2, 7)
    now[0] = 3.0
    printer.finish()
    assert "generating words 2/7" in out.getvalue() and out.getvalue().endswith("rule set built in 3.0 s\n")
    quiet = ProgressPrinter(io.StringIO(), clock=lambda: 0.0)
    quiet("reading dictionaries", 1, 1)
    quiet.finish()
    assert quiet.stream.getvalue() == ""
