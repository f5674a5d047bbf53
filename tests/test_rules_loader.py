"""A malformed dictionary is rejected with its file, line and reason."""

import textwrap

import pytest

import errcheck
from errcheck.loader import load_file, load_rules
from errcheck.rules import RuleError

GOOD_ENTRY = """\
entries:
  - code: XX0001
    wrong: [甲乙丙]
    right: [甲乙丁]
    category: typo
    severity: error
    message: "「{match}」应为「{suggestion}」"
    source: test
    examples:
      bad: ["这是[[甲乙丙]]。"]
      good: ["这是甲乙丁。"]
"""


def write(tmp_path, text, name="d.yaml"):
    p = tmp_path / name
    p.write_text(textwrap.dedent(text), encoding="utf-8")
    return p


def test_valid_file_loads(tmp_path):
    (rule,) = load_file(write(tmp_path, GOOD_ENTRY))
    assert rule.code == "XX0001"
    assert rule.wrong == ("甲乙丙",) and rule.right == ("甲乙丁",)
    assert rule.severity is errcheck.Severity.ERROR
    assert rule.bad_examples[0].text == "这是甲乙丙。" and rule.bad_examples[0].span == (2, 5)
    assert rule.line == 2


@pytest.mark.parametrize(
    "old, new, line, reason",
    [
        ("code: XX0001", "code: X1", 2, "does not match"),
        ("severity: error", "severity: fatal", 2, "unknown severity 'fatal'"),
        ("category: typo", "category: grammar", 2, "unknown category 'grammar'"),
        ("    source: test\n", "", 2, "needs a 'source'"),
        ('message: "「{match}」应为「{suggestion}」"', 'message: "{wrongform}"', 2, "unknown placeholder"),
        ('bad: ["这是[[甲乙丙]]。"]', 'bad: ["这是甲乙丙。"]', 2, "exactly one [[...]] marker"),
        ('bad: ["这是[[甲乙丙]]。"]', 'bad: ["[[这是]]甲乙丙。"]', 2, "not one of the wrong forms"),
        ('bad: ["这是[[甲乙丙]]。"]', "bad: []", 2, "at least one bad example"),
        ("    wrong: [甲乙丙]\n", "    wrong: [甲乙丙]\n    swap: x\n", 2, "unknown key(s) ['swap']"),
        ("right: [甲乙丁]", "right: [甲乙丙]", 2, "both wrong and right"),
        ("    source: test\n", "    source: test\n    allow: [丁戊]\n", 2, "contains none of the wrong forms"),
        ("    source: test\n", "    source: test\n    valid_from: 2020-13-01\n", 2, "must be a date"),
    ],
)
def test_invalid_entry_names_file_line_and_reason(tmp_path, old, new, line, reason):
    assert old in GOOD_ENTRY
    path = write(tmp_path, "defaults: {}\n" + GOOD_ENTRY.replace(old, new))
    with pytest.raises(RuleError) as info:
        load_file(path)
    err = info.value
    assert err.path == str(path)
    assert err.line == line + 1  # the 'defaults' line shifts the entry down by one
    assert reason in err.reason
    assert str(err).startswith(f"{path}:{line + 1}: ")


def test_yaml_syntax_error_has_line(tmp_path):
    path = write(tmp_path, GOOD_ENTRY + "  - code: [unclosed\n")
    with pytest.raises(RuleError) as info:
        load_file(path)
    assert info.value.line == 13 and "invalid YAML" in info.value.reason


def test_missing_required_key_and_bad_shapes(tmp_path):
    with pytest.raises(RuleError, match="missing required key 'category'"):
        load_file(write(tmp_path, GOOD_ENTRY.replace("    category: typo\n", "")))
    with pytest.raises(RuleError, match="'entries' must be a non-empty list"):
        load_file(write(tmp_path, "entries: []\n"))
    with pytest.raises(RuleError, match="must be a mapping"):
        load_file(write(tmp_path, "- just a list\n"))
    with pytest.raises(RuleError, match="unknown top-level key"):
        load_file(write(tmp_path, GOOD_ENTRY + "rulez: 1\n"))


def test_not_utf8_is_rejected(tmp_path):
    p = tmp_path / "latin.yaml"
    p.write_bytes(GOOD_ENTRY.encode("utf-8") + b"# \xff\n")
    with pytest.raises(RuleError, match="not valid UTF-8"):
        load_file(p)


def test_duplicate_code_in_one_tree_is_rejected(tmp_path):
    write(tmp_path, GOOD_ENTRY, "a.yaml")
    second = write(tmp_path, GOOD_ENTRY, "b.yaml")
    with pytest.raises(RuleError) as info:
        load_rules([tmp_path])
    assert info.value.path == str(second) and "duplicate code XX0001" in info.value.reason


def test_defaults_are_inherited_and_restricted(tmp_path):
    text = GOOD_ENTRY.replace("    severity: error\n", "").replace("entries:", "defaults:\n  severity: serious\nentries:")
    (rule,) = load_file(write(tmp_path, text))
    assert rule.severity is errcheck.Severity.SERIOUS
    with pytest.raises(RuleError, match="cannot be set in 'defaults'"):
        load_file(write(tmp_path, "defaults:\n  code: XX0002\n" + GOOD_ENTRY))


def test_checker_refuses_bad_dictionary_and_keeps_nothing_half_loaded(tmp_path):
    write(tmp_path, GOOD_ENTRY.replace("severity: error", "severity: loud"))
    checker = errcheck.Checker(tmp_path, cache=False)
    with pytest.raises(RuleError, match="unknown severity"):
        checker.check("这是甲乙丙。")
    with pytest.raises(RuleError):  # still refused, not silently half-built
        checker.load()


def test_schema_json_lists_the_keys_the_loader_accepts():
    import json

    from errcheck.resources import builtin_dictionaries
    from errcheck.families import DEFAULT_KEYS, FAMILIES, schema as assemble
    from errcheck.rules import CATEGORIES

    schema = json.loads((builtin_dictionaries() / "schema.json").read_text(encoding="utf-8"))
    assert schema == assemble(), "dictionaries/schema.json is out of date: run python tools/build_schema.py"
    assert set(schema["properties"]["defaults"]["properties"]) == DEFAULT_KEYS
    for family in FAMILIES:
        part = schema["properties"][family.file_key]
        entry = part["items"] if family.shape == "list" else part
        assert set(entry["properties"]) == family.keys, family.name
        assert tuple(entry["properties"]["category"]["enum"]) == CATEGORIES


WORDLIST_FILE = """\
wordlist:
  code: CW9901
  words: words.tsv
  category: typo
  severity: error
  source: test
  examples:
    bad: ["大家[[齐心协立|齐心协力]]。"]
"""


def test_word_list_loads_its_table(tmp_path):
    (tmp_path / "words.tsv").write_text("# comment\n齐心协力\t120\ti\n", encoding="utf-8")
    (rule,) = load_file(write(tmp_path, WORDLIST_FILE))
    assert rule.params.words == (("齐心协力", 120),) and rule.params.kinds == ("homophone", "shape")
    assert rule.bad_examples[0].suggestion == "齐心协力"


@pytest.mark.parametrize("table, change, reason", [
    ("齐心协力\tmany\n", None, "words.tsv:1: expected word<TAB>count"),
    (None, None, "word table 'words.tsv' not found"),
    ("齐心协力\t120\n", ("齐心协立|齐心协力", "齐心协立"), "names its suggestion"),
    ("齐心协力\t120\n", ("source: test", "source: test\n  max_ratio: 2"), "max_ratio must be"),
    ("齐心协力\t120\n", ("source: test", "source: test\n  kinds: [missing]"), "unknown kinds"),
])
def test_bad_word_list_is_rejected_with_file_and_reason(tmp_path, table, change, reason):
    if table is not None:
        (tmp_path / "words.tsv").write_text(table, encoding="utf-8")
    text = WORDLIST_FILE.replace(*change) if change else WORDLIST_FILE
    with pytest.raises(RuleError) as err:
        load_file(write(tmp_path, text))
    assert reason in str(err.value) and "d.yaml" in str(err.value)


TERM_FILE = """\
defaults: {category: fixed-phrase, severity: serious}
terms:
  - code: PT9901
    term: 落实全面从严治党
    segments: [落实, 全面, 从严治党]
    source: test
"""


def test_term_file_loads_and_is_validated(tmp_path):
    (rule,) = load_file(write(tmp_path, TERM_FILE))
    assert rule.params.term == "落实全面从严治党" and rule.right == (rule.params.term,) and rule.wrong == ()
    assert rule.family == "terms" and rule.params.segments == ("落实", "全面", "从严治党")
    for old, new, reason in [
        ("segments: [落实, 全面, 从严治党]", "segments: [落实, 全面]", "do not join"),
        ("term: 落实全面从严治党", "term: 落实", "at least 3 characters"),
        ("    source: test\n", "    source: test\n    term_type: slogan\n", "unknown term_type"),
        ("    source: test\n", "    source: test\n    valid_from: 2020-01-02\n    valid_to: 2020-01-01\n", "valid_to is before"),
        ("    source: test\n", "", "needs a 'source'"),
    ]:
        with pytest.raises(RuleError) as info:
            load_file(write(tmp_path, TERM_FILE.replace(old, new)))
        assert info.value.line == 3 and reason in info.value.reason, info.value
