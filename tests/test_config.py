"""Configuration files (errcheck/config.py), rule selectors (errcheck/selectors.py), the
allow-list (errcheck/allowlist.py), and what the command line makes of them."""

import datetime as dt
import io
import json
import re
from collections import Counter
from pathlib import Path

import pytest

import errcheck
from errcheck.cli import main
from errcheck.config import ConfigError, Resolver, find_config, glob_regex, load_config
from errcheck.rules import CATEGORIES
from errcheck.selectors import Layer, RuleSelection, parse_selectors

README = Path(__file__).resolve().parents[1] / "README.md"


def run(*argv, stdin=None):
    import sys

    out, err = io.StringIO(), io.StringIO()
    old = sys.stdin
    if stdin is not None:
        sys.stdin = io.TextIOWrapper(io.BytesIO(stdin.encode()), encoding="utf-8")
    try:
        code = main(list(argv), out, err)
    finally:
        sys.stdin = old
    return code, out.getvalue(), err.getvalue()


# --------------------------------------------------------------------------- selectors


def enabled(layers, code, category="typo"):
    return RuleSelection(layers).enabled(code, category)


def test_most_specific_selector_wins_and_ignore_wins_ties():
    layer = Layer(select=("TY",), ignore=("TY0002",))
    assert enabled([layer], "TY0001") and not enabled([layer], "TY0002") and not enabled([layer], "FP0001")
    layer = Layer(select=("TY0002",), ignore=("TY",))
    assert enabled([layer], "TY0002") and not enabled([layer], "TY0003")
    assert not enabled([Layer(select=("TY",), ignore=("TY",))], "TY0001")
    # a prefix beats a category, a category beats ALL
    assert enabled([Layer(select=("CW",), ignore=("typo",))], "CW0001")
    assert not enabled([Layer(select=("CW",), ignore=("typo",))], "TY0001")
    assert not enabled([Layer(select=("ALL",), ignore=("typo",))], "TY0001", "typo")
    assert enabled([Layer(select=("ALL",), ignore=("typo",))], "FP0001", "fixed-phrase")
    # longer prefixes are more specific
    assert enabled([Layer(ignore=("CW",), extend_select=("CW00",))], "CW0001")


def test_layers_select_starts_again_extend_and_ignore_carry_over():
    file = Layer(select=("TY",), ignore=("TY0002",))
    assert enabled([file, Layer(select=("TY0002",))], "TY0002")
    assert not enabled([file, Layer(select=("TY0002",))], "TY0001")
    assert enabled([file, Layer(extend_select=("FP",))], "FP0001")
    assert not enabled([file, Layer(extend_select=("FP",))], "TY0002")
    assert not enabled([file, Layer(ignore=("TY0001",))], "TY0001")
    assert RuleSelection([Layer()]).trivial and not RuleSelection([file]).trivial


def test_selector_syntax():
    assert parse_selectors("TY, CW00 typo ALL") == ("TY", "CW00", "typo", "ALL")
    for bad in ("ty0002", "TYPO", "T-1", "TY00022", "typos", ""):
        with pytest.raises(ValueError):
            parse_selectors([bad])


def test_checker_select_ignore_and_allow(checker):
    text = "京津翼公司在截止目前的通报中写了京津翼"
    all_codes = [(f.code, f.start) for f in checker.check(text).findings]
    assert all_codes == [("FP0001", 0), ("TY0002", 6), ("FP0001", 16)]
    c = errcheck.Checker(select=["TY"], allow=["京津翼公司"])
    assert [(f.code, f.start) for f in c.check(text).findings] == [("TY0002", 6)]
    c = errcheck.Checker(ignore="TY0002", allow=["京津翼公司"])
    assert [(f.code, f.start) for f in c.check(text).findings] == [("FP0001", 16)]
    # per call: another layer, more phrases
    assert [f.code for f in c.check(text, ignore=["fixed-phrase"]).findings] == []
    assert [f.start for f in checker.check(text, allow=["写了京津翼"]).findings] == [0, 6]


def test_ignoring_a_rule_lets_a_rule_it_overlapped_through(checker):
    # selection happens before overlaps are resolved: the finding of the longer rule is
    # not there to hide the shorter one inside it (as if the ignored rule did not exist)
    text = "党的二十精神"
    assert [f.code for f in checker.check(text).findings] == ["FP0002"]
    others = [f.code for f in checker.check(text, ignore=["FP0002"]).findings]
    assert "FP0002" not in others


def test_globs():
    cases = {
        "*.md": (["a.md"], ["a/b.md", "a.mdx"]),
        "archive/**": (["archive/a.txt", "archive/2001/b.txt"], ["x/archive/a.txt"]),
        "**/quotes/*.txt": (["quotes/a.txt", "x/y/quotes/a.txt"], ["quotes/a/b.txt"]),
        "doc?/[!x]*.txt": (["docs/a.txt"], ["docs/x.txt", "doc/a.txt"]),
    }
    for pattern, (yes, no) in cases.items():
        regex = glob_regex(pattern)
        assert all(regex.fullmatch(p) for p in yes), pattern
        assert not any(regex.fullmatch(p) for p in no), pattern


# --------------------------------------------------------------------------- allow-list


def test_the_configured_allow_list_reaches_the_check(tmp_path):
    """``allow`` and ``allow-files`` of a configuration file silence the findings that
    overlap an occurrence (the allow-list itself is tested in tests/test_allow.py)."""
    (tmp_path / "names.txt").write_text("# 人名\n李名族\n", encoding="utf-8")
    write(tmp_path / "errcheck.toml", 'allow = ["浙里办"]\nallow-files = ["names.txt"]\n')
    draft = tmp_path / "draft.txt"
    draft.write_text("下载浙里办，李名族同志说名族团结\n", encoding="utf-8")
    code, out, err = run("check", str(draft), "--format", "json")
    found = [(f["text"], f["start"]) for f in json.loads(out)["findings"]]
    assert ("名族", 12) in found and not any(start < 11 for _, start in found), found
    (tmp_path / "names.txt").write_text("李\n", encoding="utf-8")
    code, out, err = run("check", str(draft))
    assert code == 2 and "names.txt:1" in err and "shorter than 2 characters" in err


# --------------------------------------------------------------------------- files and discovery


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_discovery_nearest_wins_and_pyproject_needs_the_table(tmp_path):
    write(tmp_path / "pyproject.toml", "[tool.errcheck]\nignore = ['TY']\n")
    write(tmp_path / "a" / "pyproject.toml", "[project]\nname = 'x'\n")  # no table: skipped
    write(tmp_path / "a" / "b" / "errcheck.toml", "ignore = ['FP']\n")
    write(tmp_path / "a" / "b" / "pyproject.toml", "[tool.errcheck]\nignore = ['OD']\n")
    assert find_config(tmp_path / "a" / "b" / "c.txt") == tmp_path / "a" / "b" / "errcheck.toml"
    write(tmp_path / "a" / "b" / ".errcheck.toml", "ignore = ['PT']\n")  # as .ruff.toml before ruff.toml
    assert find_config(tmp_path / "a" / "b") == tmp_path / "a" / "b" / ".errcheck.toml"
    (tmp_path / "a" / "b" / ".errcheck.toml").unlink()
    assert find_config(tmp_path / "a" / "x.txt") == tmp_path / "pyproject.toml"
    assert find_config(tmp_path / "a") == tmp_path / "pyproject.toml"
    r = Resolver()
    assert r.for_path(tmp_path / "a" / "b" / "c.txt").ignore == ("FP",)
    assert r.for_path(tmp_path / "a" / "d.txt").ignore == ("TY",)
    assert Resolver(isolated=True).for_path(tmp_path / "a" / "d.txt").path is None
    explicit = Resolver(config=tmp_path / "a" / "b" / "pyproject.toml")
    assert explicit.for_path(tmp_path / "x.txt").ignore == ("OD",)


def test_all_keys_parse(tmp_path):
    write(tmp_path / "rules" / "house.yaml", "entries: []\n")
    write(tmp_path / "names.txt", "# people\n张三丰\n\n李四光  # a geologist\n")
    cfg = write(tmp_path / "errcheck.toml", """
select = ["ALL"]
extend-select = ["TY"]
ignore = ["CW", "punctuation"]
extend-ignore = ["PN0004"]
per-file-ignores = { "archive/**" = ["outdated"], "*.md" = "PN0001" }
min-severity = "Error"
fail-on = "warning"
as-of = 2017-06-30
mode = "thorough"
dictionaries = ["rules"]
allow = ["浙里办"]
allow-files = ["names.txt"]
report-unused-ignores = true
""")
    s = load_config(cfg)
    assert s.select == ("ALL",) and s.extend_select == ("TY",) and s.ignore == ("CW", "punctuation")
    assert s.per_file_ignores == (("archive/**", ("outdated",)), ("*.md", ("PN0001",)))
    assert (s.min_severity, s.fail_on, s.as_of, s.mode) == ("error", "warning", dt.date(2017, 6, 30), "thorough")
    assert s.dictionaries == ((tmp_path / "rules").resolve(),)
    assert s.allow_list().phrases == ("浙里办", "张三丰", "李四光")
    assert s.report_unused_ignores is True
    assert s.per_file_layer(tmp_path / "archive" / "2001" / "a.txt").ignore == ("outdated",)
    assert s.per_file_layer(tmp_path / "docs" / "x.md").ignore == ("PN0001",)
    assert s.per_file_layer(tmp_path / "docs" / "x.txt") is None


@pytest.mark.parametrize("body, key, reason", [
    ("min_severity = 'error'\n", "min_severity", "did you mean 'min-severity'"),
    ("colour = 'red'\n", "colour", "unknown key"),
    ("select = 'TY'\n", "select", "must be a list of strings"),
    ("ignore = ['typos']\n", "ignore", "is not a rule code"),
    ("min-severity = 'fatal'\n", "min-severity", "unknown severity"),
    ("fail-on = 3\n", "fail-on", "must be one of"),
    ("as-of = '2017-13-01'\n", "as-of", "must be a date"),
    ("mode = 'slow'\n", "mode", "must be one of fast, thorough"),
    ("dictionaries = ['nowhere']\n", "dictionaries", "does not exist"),
    ("allow = ['']\n", "allow", "shorter than 2 characters"),
    ("allow = ['名']\n", "allow", "shorter than 2 characters"),
    ("report-unused-ignores = 'yes'\n", "report-unused-ignores", "true or false"),
    ("per-file-ignores = { 'a/[b' = ['TY'] }\n", "per-file-ignores", "unclosed"),
])
def test_bad_values_name_the_file_and_key(tmp_path, body, key, reason):
    cfg = write(tmp_path / "errcheck.toml", body)
    with pytest.raises(ConfigError) as info:
        load_config(cfg)
    assert str(info.value).startswith(f"{cfg}: key '{key}': ")
    assert reason in str(info.value)
    # the same through the command line: exit 2, the reason on stderr
    code, out, err = run("check", str(write(tmp_path / "a.txt", "文本")))
    assert code == 2 and out == ""
    assert err.startswith(f"errcheck: config error: {cfg}: key '{key}'")


def test_pyproject_key_is_named_with_its_table_and_bad_toml_with_its_line(tmp_path):
    cfg = write(tmp_path / "pyproject.toml", "[tool.errcheck]\nignore = ['TY']\nselct = ['FP']\n")
    with pytest.raises(ConfigError, match=r"key 'tool\.errcheck\.selct': unknown key \(did you mean 'select'\?\)"):
        load_config(cfg)
    write(tmp_path / "pyproject.toml", "[tool.errcheck\n")
    code, _, err = run("config", str(tmp_path))
    assert code == 2 and f"{cfg}: invalid TOML" in err and "line 1" in err


def test_selector_naming_no_rule_is_an_error(tmp_path):
    write(tmp_path / "errcheck.toml", "ignore = ['QQ']\n")
    code, _, err = run("check", str(write(tmp_path / "a.txt", "文本")))
    assert code == 2 and "key 'ignore': 'QQ' matches no rule" in err
    code, _, err = run("check", "--isolated", "--select", "TY9999", str(tmp_path / "a.txt"))
    assert code == 2 and "'TY9999' matches no rule" in err
    code, _, err = run("check", "--isolated", "--select", "ty", str(tmp_path / "a.txt"))
    assert code == 2 and "--select" in err


# --------------------------------------------------------------------------- the command line with files


DRAFT = "截止目前，京津翼协同发展。\n浙里办上线\n"


def test_config_file_drives_check_and_flags_override(tmp_path):
    write(tmp_path / "pyproject.toml", "[tool.errcheck]\nignore = ['FP', 'PT']\nallow = ['浙里办']\n")
    draft = write(tmp_path / "docs" / "draft.txt", DRAFT)

    def codes(*argv):
        code, out, _ = run("check", *argv, str(draft))
        return code, re.findall(r":\d+:\d+: ([A-Z]{2}\d{4}) ", out)

    assert codes() == (1, ["TY0002"])  # 浙里 (→ 这里, CW0001) lies inside the allowed 浙里办
    assert codes("--select", "FP") == (1, ["FP0001"])  # replaces select, and the file's ignore with it
    assert codes("--ignore", "TY0002") == (0, [])  # adds to the file's ignore
    assert codes("--allow", "截止目前，京") == (0, [])  # adds to the file's allow-list
    assert codes("--isolated") == (1, ["TY0002", "FP0001", "CW0001"])
    assert codes("--isolated", "--fail-on", "warning", "--select", "CW") == (1, ["CW0001"])
    assert codes("--isolated", "--select", "CW") == (0, ["CW0001"])


def test_nearest_config_per_file_and_stdin_from_the_working_directory(tmp_path, monkeypatch):
    write(tmp_path / "errcheck.toml", "ignore = ['TY', 'CW']\n")
    write(tmp_path / "b" / "errcheck.toml", "ignore = ['FP', 'PT', 'CW']\n")
    a = write(tmp_path / "a.txt", DRAFT)
    b = write(tmp_path / "b" / "b.txt", DRAFT)
    code, out, _ = run("check", str(a), str(b))
    codes = {str(p): re.findall(r"^" + re.escape(str(p)) + r":\d+:\d+: ([A-Z]{2}\d{4}) ", out, re.M) for p in (a, b)}
    assert codes == {str(a): ["FP0001"], str(b): ["TY0002"]}
    monkeypatch.chdir(tmp_path / "b")
    code, out, _ = run("check", "-", stdin=DRAFT)
    assert " TY0002 " in out and " FP0001 " not in out


def test_per_file_ignores_allow_severities_and_as_of_from_the_file(tmp_path):
    write(tmp_path / "errcheck.toml", """
per-file-ignores = { "quotes/*.txt" = ["TY0002"] }
allow = ["京津翼协同"]
min-severity = "serious"
""")
    quoted = write(tmp_path / "quotes" / "q.txt", DRAFT)
    plain = write(tmp_path / "p.txt", DRAFT)
    _, out, _ = run("check", str(quoted), str(plain))
    found = [line.split(" [")[0] for line in out.splitlines() if "[" in line]
    assert found == [f"{plain}:1:1: TY0002"]  # FP0001 sits inside an allowed phrase
    # as-of: OD rules are dated; an article judged as of a day before the reform passes
    write(tmp_path / "errcheck.toml", "as-of = 2017-06-30\nselect = ['OD0001']\n")
    old = write(tmp_path / "old.txt", "国家工商行政管理总局发布通知\n")
    assert run("check", str(old))[0] == 0
    assert run("check", "--as-of", "2024-01-01", str(old))[0] == 1


def test_config_command_text_and_json(tmp_path):
    cfg = write(tmp_path / "pyproject.toml", "[tool.errcheck]\nignore = ['CW']\nallow = ['浙里办']\n"
                "per-file-ignores = { '*.md' = ['PN'] }\n")
    code, out, _ = run("config", str(tmp_path))
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == f"# settings from {cfg} [tool.errcheck], with the command line on top"
    assert 'ignore = ["CW"]' in lines and 'allow = ["浙里办"]' in lines and 'select = ["ALL"]' in lines
    assert 'per-file-ignores = { "*.md" = ["PN"] }' in lines and 'fail-on = "serious"' in lines
    # the text output is TOML: it reads back as the same settings
    import tomllib

    data = tomllib.loads("\n".join(lines))
    assert data["ignore"] == ["CW"] and data["per-file-ignores"] == {"*.md": ["PN"]}
    code, out, _ = run("config", str(tmp_path / "x.txt"), "--format", "json", "--ignore", "FP")
    doc = json.loads(out)
    assert doc["config"] == str(cfg) and doc["table"] == "tool.errcheck"
    assert doc["settings"]["ignore"] == ["CW", "FP"] and doc["settings"]["mode"] == "fast"
    code, out, _ = run("config", str(tmp_path), "--isolated", "--format", "json")
    assert json.loads(out)["config"] is None and json.loads(out)["settings"]["ignore"] == []


# --------------------------------------------------------------------------- categories


def category_counts(rules) -> Counter:
    return Counter(r.category for r in rules)


def test_every_category_holds_rules(builtin_rules):
    counts = category_counts(builtin_rules)
    assert set(counts) == set(CATEGORIES)
    assert all(counts[c] > 0 for c in CATEGORIES)
    # sovereignty wording is sensitive wherever it was filed (钓鱼岛 under either foreign name)
    by_code = {r.code: r for r in builtin_rules}
    assert by_code["NE0081"].category == by_code["NE0132"].category == "sensitive"


def test_readme_category_table(builtin_rules):
    """README "Categories" lists every category with its rule count."""
    text = README.read_text(encoding="utf-8")
    block = text.split("<!-- categories: generated by tests/test_config.py::test_readme_category_table -->")[1]
    block = block.split("<!-- categories: end -->")[0]
    rows = re.findall(r"^\| `([a-z-]+)` \| (\d+) \| (.+) \|$", block, re.M)
    counts = category_counts(builtin_rules)
    expected = [f"| `{c}` | {counts[c]} |" for c in CATEGORIES]
    assert [(c, int(n)) for c, n, _ in rows] == [(c, counts[c]) for c in CATEGORIES], (
        "update README's category table:\n" + "\n".join(expected))
    assert all(len(what) > 10 for _, _, what in rows)


def test_checker_refuses_bad_selectors_and_phrases():
    with pytest.raises(ValueError, match="is not a rule code"):
        errcheck.Checker(select=["typos"])
    with pytest.raises(ValueError, match="shorter than 2 characters"):
        errcheck.Checker(allow=[""])


def test_the_allow_list_is_compiled_once_per_configuration(tmp_path):
    """Files under one configuration share its allow-list (with the command line's phrases),
    compiled once, not once per checked file; another configuration gets its own."""
    from errcheck.project import Options, Project

    write(tmp_path / "errcheck.toml", 'allow = ["浙里办"]\n')
    sub = tmp_path / "sub"
    sub.mkdir()
    write(sub / "errcheck.toml", 'allow = ["渝悦"]\n')
    project = Project(Options(allow=("李名族",)))
    a, b, c = (project.plan(str(p)) for p in (tmp_path / "a.txt", tmp_path / "b.txt", sub / "c.txt"))
    assert a.allow is b.allow and set(a.allow.phrases) == {"浙里办", "李名族"}
    assert c.allow is not a.allow and set(c.allow.phrases) == {"渝悦", "李名族"}
