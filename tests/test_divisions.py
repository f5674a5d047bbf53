"""Division lists (family AD): a prefecture-level division or municipality named under a
province it does not belong to is flagged with the right province; every correct pairing
stays quiet; a malformed table is rejected with its file and line."""

import textwrap

import pytest

from errcheck.resources import builtin_dictionaries
from errcheck.loader import load_file
from errcheck.rules import RuleError

DIVISIONS = builtin_dictionaries() / "places" / "divisions.yaml"
RULES = load_file(DIVISIONS)


def test_one_rule_per_division_with_stable_codes():
    table = [line.split("\t") for line in (DIVISIONS.parent / "divisions.tsv").read_text(encoding="utf-8").splitlines()
             if line and not line.startswith("#")]
    provinces = [row for row in table if row[0].endswith("0000")]
    municipalities = [row for row in provinces if row[1].endswith("市")]
    assert len(provinces) == 31 and len(municipalities) == 4
    assert len(RULES) == len(table) - len(provinces) + len(municipalities)
    assert len({r.code for r in RULES}) == len(RULES)
    by_code = {r.code: r for r in RULES}
    assert by_code["AD4308"].right == ("湖南省张家界市",)
    assert by_code["AD5000"].right == ("重庆市",)


def test_every_wrong_pairing_is_flagged_with_its_province(checker):
    for rule in RULES:
        for wrong in rule.wrong:
            text = f"会议在{wrong}举行。"
            got = [(f.code, f.text, f.suggestions) for f in checker.check(text).findings]
            assert got == [(rule.code, wrong, rule.right)], text


def test_every_correct_pairing_is_quiet(checker):
    for rule in RULES:
        text = f"会议在{rule.right[0]}举行。"
        assert not checker.check(text).findings, text
    # short forms too
    for text in ("湖南张家界", "湖南省张家界", "湖南张家界市", "陕西西安", "江苏泰州"):
        assert not checker.check(f"游客来到{text}。").findings, text


@pytest.mark.parametrize("text", [
    "维护新疆社会稳定和长治久安。",          # 长治 is a city of Shanxi, 长治久安 a set phrase
    "北京朝阳、上海浦东和广东深圳的企业参加了展会。",  # 朝阳 is also a district of Beijing
    "四川重庆两地联合开展执法检查。",          # two places, listed
    "神舟飞船从内蒙古酒泉卫星发射中心发射。",   # the launch centre lies in Inner Mongolia
    "西藏日照时间长，太阳能资源丰富。",
    "浙江台州和江苏泰州都在长三角。",
])
def test_lookalike_legitimate_text_is_quiet(checker, text):
    assert [(f.code, f.text) for f in checker.check(text).findings] == [], text


def test_chongqing_under_sichuan_was_right_before_1997(checker):
    text = "四川省重庆市召开经济工作会议。"
    assert [f.code for f in checker.check(text, as_of="1996-12-31").findings] == []
    assert [f.code for f in checker.check(text, as_of="1997-03-14").findings] == ["AD5000"]


FILE = """\
divisions:
  code: AD
  table: t.tsv
  category: fixed-phrase
  severity: error
  message: "「{match}」应为「{suggestion}」"
  source: test
  examples:
    bad: ["去[[湖北省张家界市]]。"]
"""
TABLE = "420000\t湖北省\t湖北\n430000\t湖南省\t湖南\n430800\t张家界市\n"


def _load(tmp_path, table=TABLE, yaml_text=FILE):
    (tmp_path / "t.tsv").write_text(table, encoding="utf-8")
    path = tmp_path / "d.yaml"
    path.write_text(textwrap.dedent(yaml_text), encoding="utf-8")
    return load_file(path)


def test_small_table_loads(tmp_path):
    (rule,) = _load(tmp_path)
    assert rule.code == "AD4308"
    assert rule.wrong == ("湖北省张家界市", "湖北省张家界", "湖北张家界市", "湖北张家界")
    assert [ex.text for ex in rule.bad_examples][-1] == "去湖北省张家界市。"


@pytest.mark.parametrize("table, yaml_change, reason", [
    (TABLE + "43080\t株洲市\n", None, "t.tsv:4: expected code<TAB>name"),
    (TABLE.replace("\t湖南\n", "\n"), None, "t.tsv:2: province 湖南省 needs its short name"),
    ("430800\t张家界市\n430000\t湖南省\t湖南\n", None, "t.tsv:1: 张家界市 comes before its province row"),
    (TABLE + "430800\t张家界市\n", None, "t.tsv:4: duplicate code 430800"),
    (TABLE + "430200\t株洲市\t株洲\n", None, "t.tsv:4: only province rows"),
    (TABLE, ("湖北省张家界市", "湖南省张家界市"), "d.yaml:2: division list AD: bad example marks '湖南省张家界市'"),
    (TABLE, ("code: AD", "code: AD0001"), "d.yaml:2: division list AD0001: code must be"),
    (TABLE, ("table: t.tsv", "table: missing.tsv"), "division table 'missing.tsv' not found"),
])
def test_bad_division_list_is_rejected_with_file_and_line(tmp_path, table, yaml_change, reason):
    text = FILE.replace(*yaml_change) if yaml_change else FILE
    with pytest.raises(RuleError) as err:
        _load(tmp_path, table, text)
    assert reason in str(err.value)
