"""The context stage: the language model wrapper (errcheck.services.lm) and the judge
(errcheck.services.judge). Decisions on fixed sentences both ways, model-file errors, and
properties on arbitrary text. Speed is measured by benchmarks/context_speed.py, not here."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from errcheck.services.judge import ContextJudge, Proposal, clean_text
from errcheck.services.lm import LanguageModel, LanguageModelError, default_model_path


@pytest.fixture(scope="module")
def judge(tmp_path_factory):
    return ContextJudge(cache_dir=tmp_path_factory.mktemp("context-cache")).load()


@pytest.fixture(scope="module")
def missing_judge(judge):
    """Also proposes missing characters (off by default: the speed of the scan)."""
    return ContextJudge(missing=True, cache_dir=judge._cache_dir).load()


# ------------------------------------------------------------------ the model

def test_shipped_model_loads_with_its_vocabulary():
    lm = LanguageModel().load()
    assert lm.path == default_model_path()
    assert len(lm.vocabulary) == 164_886  # 164,887 entries with <unk>
    assert "政府" in lm and "攻府" not in lm
    assert lm.segment("过上幸福生活") == ["过上", "幸福", "生活"]
    assert lm.score(["过上", "幸福", "生活"]) > lm.score(["过上", "辛", "福", "生活"]) + 5


def test_states_give_the_same_score_as_a_whole_sentence():
    lm = LanguageModel()
    words = ["国家", "权力", "机关"]
    total, _ = lm.advance(lm.begin_state(bos=False), words)
    assert total == pytest.approx(lm.score(words))
    total, _ = lm.advance(lm.begin_state(bos=True), words)
    assert total == pytest.approx(lm.score(words, bos=True))


def test_missing_model_file(tmp_path):
    with pytest.raises(LanguageModelError, match="not found"):
        LanguageModel(tmp_path / "absent.lm").load()


@pytest.mark.parametrize("content", [b"", b"\x00" * 100, b"\\data\\\nngram 1=3\n", "乱码".encode() * 40])
def test_garbage_model_file(tmp_path, content):
    path = tmp_path / "garbage.lm"
    path.write_bytes(content)
    with pytest.raises(LanguageModelError, match="not a KenLM binary"):
        LanguageModel(path).load()
    with pytest.raises(LanguageModelError):
        ContextJudge(lm=path).scan("过上辛福生活")


def test_truncated_model_file(tmp_path):
    path = tmp_path / "truncated.lm"
    path.write_bytes(default_model_path().read_bytes()[:4096])
    with pytest.raises(LanguageModelError):
        LanguageModel(path).load()


def test_environment_variable_is_honoured_and_an_explicit_path_wins(tmp_path, monkeypatch):
    garbage = tmp_path / "env.lm"
    garbage.write_bytes(b"not a model")
    monkeypatch.setenv("ERRCHECK_LM", str(garbage))
    assert LanguageModel().path == garbage
    with pytest.raises(LanguageModelError):
        LanguageModel().load()
    assert LanguageModel(default_model_path()).load().path == default_model_path()


def test_one_load_shared_by_threads():
    lm = LanguageModel()
    models = []
    threads = [threading.Thread(target=lambda: models.append(lm.model)) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(models) == 8 and all(m is models[0] for m in models)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_scores_after_fork():
    lm = LanguageModel().load()
    expected = lm.score("国家 权力 机关")
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # child
        try:
            os.write(write, repr(lm.score("国家 权力 机关")).encode())
        finally:
            os._exit(0)
    os.close(write)
    got = os.read(read, 100).decode()
    os.waitpid(pid, 0)
    assert float(got) == pytest.approx(expected)


# ------------------------------------------------------------------ decisions

CONFIRMED = [  # (sentence, wrong character(s), suggestion)
    ("我们要让人民群众过上辛福生活。", "辛", "幸"),
    ("为进一步优化营商环境，市攻府近日出台了支持企业发展的十条措施。", "攻", "政"),
    ("中华人民共合国宪法", "合", "和"),
    ("完善检剑检测体系，加强检验检测公共服务平台建设。", "剑", "验"),
    ("积极开展扶贪工作", "贪", "贫"),
    ("保持身休健康", "休", "体"),
    ("确保财政拔款及时到位", "拔", "拨"),
    ("我局将加强培训，杜绝关似事情再次发生。", "关", "类"),  # 关/类 in shape-extra.tsv
    # the guards below leave a lone character that is not a function word or an ABAC repeat alone
    ("依法取得的出让和同约定的土地使用权", "和", "合"),
    ("在干部动议、孝察、任职前", "孝", "考"),  # a clause's first character has nothing two places before
    # 负 completes the four-character 不负众望: ranked above 仅 (不仅) by the long-word credit
    ("他不孚众望，在比赛中打进了关键一球。", "孚", "负"),
]

UNTOUCHED = [
    "曾培炎同志出席会议并讲话。",  # a name: 炎 → 养 would make 培养
    "李赋宁教授在会上发言。",
    "球星马拉多那访问了当地学校。",  # a transliteration
    "我期待同武契奇总统继续保持密切沟通。",
    "深入推进药品和医用耗材集中带量采购。",  # a recent term (allow-list)
    "坚决整治顽瘴痼疾。",
    "国家权力机关",
    "时刻谨记戴头盔",
    "实现中华民族伟大复兴的中国梦。",
    "各级政府要坚持过紧日子，严格控制一般性支出。",
    "建立健全党的领导制度体系，完善党中央重大决策部署落实机制。",
    # false alarms on clean prose that the guards prevent, one per class
    "坚持用党章党规规范党员、干部言行。",  # ABAC phrase: 党 → 常 (党规 → 常规)
    "扎紧党纪党规的笼子。",
    "他说，葛兰素·威康公司是世界上著名的医药公司。",  # next to a name dot: 康 → 廉
    "争取国际话语权是我们必须解决好的一个重大问题。",  # 的 is never a suspect: 的一个 → 第一个
    "这是很大的一件事。",
    "出质人可以请求质权人在债务履行期限届满后及时行使质权。",  # allow-list: 出质人 (民法典)
    "推动重点行业节能降碳改造。",  # allow-list: 节能降碳
    "参加抗疫的医务人员中有近一半是年轻人。",  # allow-list: 抗疫
    "对为官不为、懒政怠政的要公开曝光。",  # allow-list: 怠政
    "新华社北京3月30日电记者郅振璞报道：集团公司今年实现扭亏。",  # a name after a byline's 记者
    "秉持亲诚惠容的周边外交理念。",  # allow-list: 亲诚惠容
]


@pytest.mark.parametrize("text, wrong, right", CONFIRMED)
def test_errors_are_found(judge, text, wrong, right):
    got = judge.scan(text)
    assert [(text[p.start:p.end], p.suggestion) for p in got] == [(wrong, right)]
    assert got[0].original == wrong and got[0].kind in ("homophone", "near-homophone", "shape")
    assert got[0].gain >= judge.margins[got[0].kind] and 0.5 < got[0].confidence < 1


@pytest.mark.parametrize("text", UNTOUCHED)
def test_legitimate_text_names_and_new_terms_are_untouched(judge, text):
    assert judge.scan(text) == []


def test_protected_spans_are_not_touched(judge):
    text = "我们要让人民群众过上辛福生活。"
    assert judge.scan(text, protected=[(10, 12)]) == []
    assert len(judge.scan(text, protected=[(0, 2)])) == 1


def test_allow_list_given_by_the_caller(tmp_path):
    j = ContextJudge(allow=["辛福生活"], cache_dir=tmp_path)
    assert j.scan("我们要让人民群众过上辛福生活。") == []


def test_gain_confirms_a_real_word_variant_and_reports_a_close_call(judge):
    # fast mode: the pipeline's variant is itself a word; the model prefers the term
    assert judge.gain("国家权利机关", 2, 4, "权力") > 2.0
    assert judge.gain("人民代表大会是国家权利机关", 9, 11, "权力") > 2.0
    assert judge.gain("过上辛福生活", 2, 4, "幸福") > 8.0
    # too close to call with a trigram model: 带头盔 and 戴头盔 (leave it to a pattern rule)
    assert abs(judge.gain("时刻谨记带头盔", 4, 5, "戴")) < 1.0
    # and the other way round: the written form is the likelier one
    assert judge.gain("国家权力机关", 2, 4, "权利") < -2.0
    assert judge.gain("国家权力机关", 2, 2, "") == 0.0


def test_a_longer_completed_word_ranks_a_candidate_first(judge):
    text = "他不孚众望，在比赛中打进了关键一球。"
    plain = ContextJudge(long_word_credit=0.0, cache_dir=judge._cache_dir)
    # without it 负 is not among the two likeliest completions (不仅, 不服): at best a wrong fix
    assert "负" not in [p.suggestion for p in plain.scan(text)]
    assert [p.suggestion for p in judge.scan(text)] == ["负"]


def test_gain_rejects_a_span_outside_the_text(judge):
    with pytest.raises(ValueError):
        judge.gain("国家", 1, 5, "家")


def test_margins_are_checked():
    with pytest.raises(ValueError, match="unknown margin"):
        ContextJudge(margins={"homofone": 3.0})


def test_extra_look_alikes_are_read(judge):
    assert judge.confusion("休").get("体") == "shape"
    assert "出" in judge.confusion("岀")  # also a homophone (chu): that kind wins


# a character written without one of its parts (context-components.tsv; also seen in
# ECSpell's training splits, context-observed.tsv): no pinyin or glyph table has these
COMPONENT_SLIPS = [  # (sentence, written, meant)
    ("各级政府要坚持依去行政，建设法治政府。", "去", "法"),
    ("严格规范公正文明丸法。", "丸", "执"),
    ("基层台理能力不断提升。", "台", "治"),
]


@pytest.mark.parametrize("text, wrong, right", COMPONENT_SLIPS)
def test_a_character_missing_a_part_is_found(judge, text, wrong, right):
    assert judge.confusion(wrong).get(right) == "shape"
    found = judge.scan(text)
    assert [(text[p.start:p.end], p.suggestion) for p in found] == [(wrong, right)]


def test_a_parallel_structure_is_left_alone_and_still_reveals_a_slip(judge):
    # 党 at the same place of three clauses of three characters: written on purpose
    assert judge.scan("引导群众听党话、感党恩、跟党走。") == []
    # the same structure with a slip: the suggestion stands in the neighbouring clause
    found = judge.scan("判决公布之日；判觉执行之日。")
    assert [(p.original, p.suggestion) for p in found] == [("觉", "决")]


def test_parallel_needs_clauses_of_the_same_length():
    from errcheck.services.judge import Proposal, parallel

    text = "听党话、感党恩、跟党走"
    p = Proposal(5, 6, "党", "觉", "shape", 5.0)
    assert parallel(text, p)
    assert not parallel("听党的话、感党恩", Proposal(6, 7, "党", "觉", "shape", 5.0))
    assert not parallel("感党恩", Proposal(1, 2, "党", "觉", "shape", 5.0))


def test_one_way_tables_are_one_way(judge):
    # 法 may be meant where 去 is written; nothing proposes 去 for a well-written 法
    assert "法" in judge._directed["去"]
    assert "去" not in judge.confusion("法")
    assert judge.scan("坚持依法行政，建设法治政府。") == []


@pytest.mark.parametrize("line, reason", [
    ("去法", "expected one character"),
    ("去去\t法", "expected one character"),
    ("去\t法律,治", "not a single character"),
])
def test_a_malformed_one_way_table_is_rejected_with_its_line(tmp_path, line, reason):
    from errcheck.rules import RuleError
    from errcheck.services.confusables import load_directed_table

    path = tmp_path / "context-x.tsv"
    path.write_text("# header\n台\t治\n" + line + "\n", encoding="utf-8")
    with pytest.raises(RuleError, match=reason) as err:
        load_directed_table(path)
    assert str(err.value).startswith(f"{path}:3: ")


def test_shipped_one_way_tables_are_well_formed():
    from errcheck.services.confusables import load_directed_table

    folder = Path(__file__).resolve().parents[1] / "dictionaries" / "confusables"
    tables = {f.name: load_directed_table(f) for f in folder.glob("context-*.tsv")}
    assert set(tables) == {"context-components.tsv", "context-observed.tsv"}
    assert "法" in tables["context-components.tsv"]["去"]
    for table in tables.values():
        assert table and all(ch not in others for ch, others in table.items())


# missing and extra characters: the span covers the character(s) next to the gap or the
# extra one, and the suggestion replaces them
EXTRA = [  # (sentence, span written, suggestion, kind): found by default
    ("坚持以习近平近新时代中国特色社会主义思想为指导", "近新", "新", "extra"),
    ("讲好中国国共产党的故事", "国国", "国", "doubled"),
    ("加强规则和标准体系相互兼容容，提供更好的营商环境。", "容容", "容", "doubled"),  # at a clause end
]
MISSING = [  # found when missing characters are asked for
    ("中华人民共国宪法", "共", "共和", "missing"),
]

INDELS_UNTOUCHED = [
    "在重点区域内重点城市全面供应国五标准车用汽柴油。",  # 汽柴油: 汽油 and 柴油 share 油
    "继续治理荒漠化、石漠化和水土流失。",  # 石漠化 next to 荒漠化
    "联合国禁毒署署长在记者招待会上表示。",  # a suffix before a word that starts with it
    "应该有那么一段时间交交心。",  # a verb said twice
    "使原本平淡如水的人生变成了一杯酽酽的香茗。",  # a reduplication
    "加强统筹协调，一项项攻关。",  # a measure word said twice
    "坚持用党章党规规范党员、干部言行。",  # the end of an ABAC phrase, then a word
    "和标准规范，依法依规明确产品全生命周期的要求。",  # the head of a parallel phrase (ECSpell)
    "的林荫小道，坎坎坷坷的石板路尽显岁月沧桑。",  # half of an AABB phrase (ECSpell)
    "据俄政府新闻局9日通报，尤尔科夫等人被捕。",  # a transliteration (尔 → 哈尔)
    "他说，这是瑞士自1967年加入亚行以来首次主办该行年会。",  # an abbreviation (亚 → 亚投)
    "财产险赔款金额276亿元，人身险给付金额176亿元。",  # a suffix (险 → 保险)
    "我们要让人民群众过上幸福生活。",
]


def _check_indel(judge, text, wrong, right, kind):
    got = judge.scan(text)
    assert [(text[p.start:p.end], p.suggestion, p.kind) for p in got] == [(wrong, right, kind)]
    fixed = text[:got[0].start] + got[0].suggestion + text[got[0].end:]
    assert len(fixed) == len(text) + (1 if kind == "missing" else -1)
    assert got[0].gain >= judge.margins[kind]


@pytest.mark.parametrize("text, wrong, right, kind", EXTRA)
def test_extra_characters_are_found(judge, text, wrong, right, kind):
    _check_indel(judge, text, wrong, right, kind)
    assert ContextJudge(indels=False, cache_dir=judge._cache_dir).scan(text) == []


@pytest.mark.parametrize("text, wrong, right, kind", MISSING)
def test_missing_characters_are_found_when_asked_for(judge, missing_judge, text, wrong, right, kind):
    assert all(p.kind != "missing" for p in judge.scan(text))  # off by default
    _check_indel(missing_judge, text, wrong, right, kind)


@pytest.mark.parametrize("text", INDELS_UNTOUCHED)
def test_legitimate_short_forms_and_repeats_are_untouched(missing_judge, text):
    assert missing_judge.scan(text) == []


def test_a_missing_character_below_the_default_margin(missing_judge):
    # 财拨款 → 财政拨款 gains 5.6: below the default margin (6.5, which leaves 亚行 and
    # 财产险 alone on clean prose), found with a lower one
    text = "本年度财拨款支出增加。"
    assert missing_judge.scan(text) == []
    lower = ContextJudge(missing=True, margins={"missing": 5.5}, cache_dir=missing_judge._cache_dir)
    assert [(text[p.start:p.end], p.suggestion) for p in lower.scan(text)] == [("财", "财政")]
    assert ContextJudge(margins={"missing": 5.5}, cache_dir=missing_judge._cache_dir).scan(text) == []


# ------------------------------------------------------------------ properties

_ALPHABET = st.sampled_from(list("过上辛幸福生活市攻政府召开会议国家权利力机关中华人民共和各曾培炎马拉多那的了，。、 \n a1财拨款习近平新")
                            + ["\ud800", "\udfff", "\U0002a6a5", "\u3400", "\ufffd"])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(_ALPHABET, max_size=40).map("".join) | st.text(max_size=30))
def test_scan_never_raises_and_offsets_point_at_the_text(judge, missing_judge, text):
    got = judge.scan(text) + missing_judge.scan(text)
    assert all(isinstance(p, Proposal) for p in got)
    for p in got:
        assert 0 <= p.start < p.end <= len(text)
        assert clean_text(text)[p.start:p.end] == p.original
        assert p.suggestion != p.original
        # a substitution keeps the length; a missing character adds one, an extra one drops one
        assert len(p.suggestion) - (p.end - p.start) == {"missing": 1, "extra": -1, "doubled": -1}.get(p.kind, 0)
    for one in (judge.scan(text), missing_judge.scan(text)):
        assert all(a.end <= b.start for a, b in zip(one, one[1:]))
    start = len(text) // 3
    end = min(len(text), start + 2)
    assert isinstance(judge.gain(text, start, end, "幸福\ud800"), float)


def test_lone_surrogates_are_replaced_not_fatal(judge):
    text = "过上辛福\ud800生活"
    assert clean_text(text) == "过上辛福\ufffd生活"
    assert [p.start for p in judge.scan(text)] == [2]


def test_a_term_the_document_repeats_is_trusted(judge):
    # (出质人, the Civil Code's example, is on the allow-list now; a name the model lacks)
    one = "但事实令欣嘉眼神暗淡。"
    assert [p.suggestion for p in judge.scan(one)] == ["喜"]  # alone, 欣嘉 reads as a slip
    doc = one + "欣嘉眼里含着泪，大家都很欣喜。"
    assert judge.scan(doc) == []  # written so twice, more often than 欣喜
    assert ContextJudge(trust_repeats=False, cache_dir=judge._cache_dir).scan(doc) != []
