"""House dictionaries as an overlay: the user's rules compile into a small automaton on
top of the compiled shipped rule set, and a check finds what a full build of the same
dictionaries finds."""

import shutil
import textwrap
from pathlib import Path

import pytest

import errcheck
from errcheck.loader import load_rules
from errcheck.resources import builtin_dictionaries

ROOT = Path(__file__).resolve().parents[1]
HOUSE = ROOT / "examples" / "house-dictionary"

#: rules that reach into the shipped layer: a right form that contains a shipped
#: generated variant (三个黛表, a look-alike slip of 三个代表: here a studio's name), a word list sharing
#: variants with the shipped one (部署 → 布署), a user term the shipped approximate
#: matching takes up, and an override that changes a shipped rule's wrong forms
EXTRA = """\
defaults: {source: test, category: typo, severity: error}
entries:
  - code: HX0001
    wrong: [三个黛表工作]
    right: [三个黛表工作室]
    message: "「{match}」→「{suggestion}」"
    examples: {bad: ["[[三个黛表工作]]"]}
  - code: FP0001
    wrong: [京津翼]
    right: [京津冀]
    severity: warning
    message: "本单位：「{match}」→「{suggestion}」"
    examples: {bad: ["[[京津翼]]"]}
terms:
  - code: HX0100
    term: 城市运行一网统管平台
    category: fixed-phrase
    severity: serious
"""
EXTRA_WORDS = """\
wordlist:
  code: HX0300
  words: extra-words.tsv
  category: typo
  severity: warning
  source: test
  examples:
    bad: ["[[布署|部署]]"]
"""


@pytest.fixture(scope="module")
def house(tmp_path_factory):
    d = tmp_path_factory.mktemp("house")
    shutil.copytree(HOUSE, d, dirs_exist_ok=True)
    (d / "extra.yaml").write_text(EXTRA, encoding="utf-8")
    (d / "extra-words.yaml").write_text(EXTRA_WORDS, encoding="utf-8")
    (d / "extra-words.tsv").write_text("部署\t3333\n统筹推进\t500\n", encoding="utf-8")
    return d


@pytest.fixture(scope="module")
def overlay(house, checker):
    c = errcheck.Checker(house)
    c.load()
    return c


@pytest.fixture(scope="module")
def full(house, checker):
    c = errcheck.Checker(house, overlay=False)
    c.load()
    return c


def corpus(house: Path) -> list[str]:
    """A few hundred sentences: the example draft, every example of the user's rules and
    of the shipped rules they touch, a sample of the other shipped examples, slips of the
    user's terms and phrases, and clean published prose."""
    texts = [line for line in (ROOT / "examples" / "draft.txt").read_text(encoding="utf-8").splitlines() if line]
    user = load_rules([house])
    codes = {r.code for r in user}
    for i, rule in enumerate(load_rules([builtin_dictionaries(), house])):
        if rule.code in codes or i % 40 == 0:
            texts += [e.text for e in rule.bad_examples + rule.good_examples]
    texts += [
        "请登录浙里办服务平台办理", "请登录浙里办服务平抬办理", "请登录浙理办服务平台办理", "浙里办服务平台",
        "坚持以数字化改革撬动各领域各方面改革", "坚持以数字化改革撬动各领域各方边改革", "努力打造营商环境最忧省",
        "推进政务云端建设", "深化数字化改革引岭", "数字化改革引领未来", "学习三个黛表", "三个黛表工作室成立",
        "做好工作布署", "统筹推近各项工作", "城市运行一网统官平台上线", "城市运行一网通管平台", "推进京津翼协同发展",
        "著名族群研究", "各名族团结", "县市场监督局", "深化数字化改草",
    ]
    clean = sorted((ROOT / "benchmarks" / "data" / "clean").glob("gov_work_report_20*.txt"))[:2]
    for path in clean:
        texts += [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()][:120]
    return texts


def test_overlay_compiles_the_user_rules_only(overlay, full, checker):
    assert overlay.load_info["source"] == "built"
    assert overlay.load_info["base"] in ("cache", "prebuilt")
    assert overlay.load().base is checker.load() or overlay.load().base.version == checker.load().version
    assert overlay.load_info["rules"] == len(load_rules([overlay.paths[1]]))
    # the rules in force are those of a full build, in the same order
    assert [(r.code, r.path) for r in overlay.rules] == [(r.code, r.path) for r in full.rules]
    assert overlay.load().patterns != full.load().patterns  # a small automaton of its own
    assert len(overlay.load().patterns) < len(full.load().patterns) / 100


def test_findings_equal_those_of_a_full_build(overlay, full, house):
    texts = corpus(house)
    assert len(texts) >= 300
    differ = [(t, overlay.check(t).findings, full.check(t).findings) for t in texts
              if overlay.check(t).findings != full.check(t).findings]
    assert differ == []
    # the corpus exercises the user's rules of every family, and the shipped ones
    codes = {f.code for t in texts for f in overlay.check(t).findings}
    assert {"TY0001", "HS0001", "HS0002", "HS0100", "HS0101", "HS0200", "HX0100", "FP0001"} <= codes
    assert len(codes) > 40


def test_user_rules_add_override_and_shadow(overlay, checker):
    # an override replaces the shipped rule: its severity and message, and the shipped
    # candidates of that code are gone
    (f,) = overlay.check("推进京津翼协同发展").findings
    assert (f.code, f.severity.label, f.message) == ("FP0001", "warning", "本单位：「京津翼」→「京津冀」")
    assert checker.check("推进京津翼协同发展").findings[0].severity.label == "serious"
    # a generated variant of a user's protected term
    (f,) = overlay.check("请登录浙里办服务平抬办理").findings
    assert (f.code, f.text, f.suggestions) == ("HS0100", "浙里办服务平抬", ("浙里办服务平台",))
    # a user's right form containing a shipped variant (三个黛表) silences the variant,
    # as a full build would have dropped it
    assert [f.text for f in checker.check("学习三个黛表").findings] == ["三个黛表"]
    assert overlay.check("学习三个黛表").findings == ()
    # two word lists one slip away from the same string: neither suggests a word
    assert [f.code for f in checker.check("做好工作布署").findings] != []
    assert all(f.code not in ("CW0001", "HX0300") for f in overlay.check("做好工作布署").findings)
    # the user's allow phrase applies to the user's rule
    assert overlay.check("著名族群研究").findings == ()


def test_a_small_house_dictionary_is_compiled_over_the_cached_shipped_rule_set(tmp_path, checker, monkeypatch):
    """Only the house dictionary is compiled: the shipped rule set comes from the cache or
    the wheel, never from a rebuild (its speed is measured by benchmarks/overlay.py)."""
    from errcheck import checker as checker_module

    full_builds = []
    build = checker_module.build
    monkeypatch.setattr(checker_module, "build", lambda *a, **kw: full_builds.append(1) or build(*a, **kw))
    (tmp_path / "house.yaml").write_text(textwrap.dedent("""\
        entries:
          - code: HS0001
            wrong: [市场监督局]
            right: [市场监督管理局]
            category: outdated
            severity: error
            message: "「{match}」应为「{suggestion}」"
            source: house style
            examples: {bad: ["县[[市场监督局]]"]}
        """), encoding="utf-8")
    c = errcheck.Checker(tmp_path)
    c.load()
    assert c.load_info["base"] in ("cache", "prebuilt") and full_builds == []
    assert [f.code for f in c.check("县市场监督局，京津翼").findings] == ["HS0001", "FP0001"]


def test_a_bad_house_dictionary_is_reported_with_file_and_line(tmp_path, checker):
    (tmp_path / "bad.yaml").write_text("entries:\n  - code: HS0001\n    wrong: [x]\n", encoding="utf-8")
    with pytest.raises(errcheck.RuleError, match=r"bad\.yaml:2: .*missing required key"):
        errcheck.Checker(tmp_path).load()


def test_user_look_alike_tables_mean_a_full_build(tmp_path):
    (tmp_path / "confusables").mkdir()
    (tmp_path / "confusables" / "shape-house.tsv").write_text("办\t力\n", encoding="utf-8")
    c = errcheck.Checker(tmp_path)
    assert c._overlay_paths == () and c._build_paths == c.paths


def test_anchor_costs_of_a_few_pieces_equal_the_tabulated_ones(monkeypatch):
    """An overlay's protected terms are anchored with costs from one scan of jieba's
    joined word list; they must be the numbers the full tabulation gives."""
    from errcheck.families import approx

    strings = {"浙里办服务平台", "中华人民共和国", "人民", "一个", "全面从严治党"}
    for phrase in ("浙里办服务平台", "以数字化改革撬动各领域各方面改革"):
        strings |= approx.all_pieces(phrase, approx.edits_for(len(phrase), approx.DEFAULT_MAX_EDITS.items()))
    scanned = approx.piece_costs(strings)
    monkeypatch.setattr(approx, "SMALL_SET", 0)
    assert approx.piece_costs(strings) == scanned
    assert scanned["人民"][0] > scanned["中华人民共和国"][0] > 0 and scanned["人民"][1] > 0
