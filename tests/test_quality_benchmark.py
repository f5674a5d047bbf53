"""The scoring logic of benchmarks/quality.py on tiny synthetic inputs (no rule set is
loaded: the check function and the findings are made up here)."""

import datetime as dt
import importlib.util
import json
import sys
from pathlib import Path

import pytest

from errcheck.model import Finding, Severity

_PATH = Path(__file__).resolve().parents[1] / "benchmarks" / "quality.py"
_spec = importlib.util.spec_from_file_location("quality_benchmark", _PATH)
quality = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = quality  # dataclasses look their module up there
_spec.loader.exec_module(quality)

TODAY = dt.date(2026, 1, 15)


def finding(start, end, text, suggestions=(), code="TY0001", category="typo", severity=Severity.ERROR, kind="listed"):
    return Finding(start=start, end=end, line=1, column=start + 1, text=text, suggestions=tuple(suggestions),
                   code=code, category=category, severity=severity, message="", source="", context="", kind=kind)


def error(text, wrong, right, category="typo", kind="listed"):
    start = text.index(wrong)
    return {"start": start, "end": start + len(wrong), "wrong": wrong, "right": right, "category": category, "kind": kind}


def test_overlap_is_any_shared_character_and_adjacency_is_not():
    assert quality.overlaps(2, 5, 4, 6)
    assert quality.overlaps(4, 6, 2, 5)
    assert quality.overlaps(0, 10, 3, 4)
    assert not quality.overlaps(2, 4, 4, 6)  # touching spans share no character
    assert not quality.overlaps(6, 8, 2, 6)
    # an empty labelled span (a missing character) is matched by a finding touching it
    assert quality.overlaps(3, 5, 5, 5) and quality.overlaps(5, 7, 5, 5)
    assert not quality.overlaps(6, 7, 5, 5)


def test_score_counts_tp_fp_recall_and_suggestions():
    text = "推动京津翼协同发展，名族团结。"
    record = {"id": "x", "text": text, "origin": "real",
              "errors": [error(text, "翼", ["冀"], "fixed-phrase", "shape"), error(text, "名族", ["民族"])]}
    findings = [
        # wider span than the label, but the same correction: a hit with a fitting suggestion
        finding(2, 5, "京津翼", ["京津冀"], code="PT2001", category="fixed-phrase", severity=Severity.SERIOUS,
                kind="shape"),
        finding(7, 9, "发展", ["发扬"], code="TY0500"),  # overlaps nothing: a false positive
    ]
    score = quality.LabelledScore()
    quality.score_sentence(record, findings, score)
    o = score.overall
    assert (o.tp, o.fp, o.errors, o.detected, o.suggested) == (1, 1, 2, 1, 1)
    assert o.precision == 0.5 and o.recall == 0.5 and o.f1 == 0.5 and o.suggestion_accuracy == 1.0
    # recall by the label's kind/category; a false positive under the finding's own
    assert score.by_kind["shape"].recall == 1.0 and score.by_kind["listed"].recall == 0.0
    assert score.by_kind["listed"].fp == 1 and score.by_kind["shape"].fp == 0
    assert score.by_category["fixed-phrase"].precision == 1.0 and score.by_category["typo"].precision == 0.0
    assert [m["wrong"] for m in score.missed] == ["名族"]
    assert [(fp["code"], fp["text"]) for fp in score.false_positives] == [("TY0500", "发展")]


def test_wrong_suggestion_is_detected_but_not_suggested():
    text = "截止目前已整改。"
    record = {"text": text, "errors": [error(text, "截止目前", ["截至目前"])]}
    score = quality.LabelledScore()
    quality.score_sentence(record, [finding(0, 4, "截止目前", ["截止当前"])], score)
    assert score.overall.detected == 1 and score.overall.suggested == 0
    assert score.overall.suggestion_accuracy == 0.0


def test_negatives_and_no_findings_have_no_precision_or_recall():
    score = quality.LabelledScore()
    quality.score_sentence({"text": "一切正常。", "errors": []}, [], score)
    assert score.overall.precision is None and score.overall.recall is None and score.overall.f1 is None
    assert score.as_dict()["overall"]["findings"] == 0


def test_outdated_listed_finding_counts_as_kind_outdated():
    f = finding(0, 6, "国家工商总局", ["国家市场监管总局"], code="OD0002", category="outdated")
    assert quality.finding_kind(f) == "outdated"
    assert quality.finding_kind(finding(0, 2, "名族", ["民族"])) == "listed"
    assert quality.finding_kind(finding(0, 3, "京津翼", kind="shape")) == "shape"


def test_evaluate_labelled_splits_by_origin_and_uses_as_of():
    seen = []

    def check(text, as_of):
        seen.append(as_of)
        i = text.find("名族")
        return [finding(i, i + 2, "名族", ["民族"])] if i >= 0 else []

    t1, t2 = "名族团结。", "坚持名族区域自治。"
    records = [
        {"text": t1, "errors": [error(t1, "名族", ["民族"])], "origin": "real", "as_of": "2017-06-30"},
        {"text": t2, "errors": [], "origin": "injected", "as_of": None},
    ]
    scores = quality.evaluate_labelled(records, check, TODAY)
    assert seen == [dt.date(2017, 6, 30), TODAY]
    assert set(scores) == {"all", "real", "injected"}
    assert scores["real"].overall.recall == 1.0 and scores["real"].overall.fp == 0
    assert scores["injected"].overall.fp == 1 and scores["injected"].overall.precision == 0.0
    assert scores["all"].overall.tp == 1 and scores["all"].overall.fp == 1


def test_load_labelled_rejects_a_span_that_does_not_hold_the_wrong_text(tmp_path):
    good = tmp_path / "a.jsonl"
    good.write_text(json.dumps({"id": "1", "text": "名族团结", "errors": [
        {"start": 0, "end": 2, "wrong": "名族", "right": ["民族"], "category": "typo", "kind": "listed"}]},
        ensure_ascii=False) + "\n\n", encoding="utf-8")
    assert len(quality.load_labelled([good])) == 1
    bad = tmp_path / "b.jsonl"
    bad.write_text(json.dumps({"text": "名族团结", "errors": [{"start": 1, "end": 3, "wrong": "名族"}]},
                              ensure_ascii=False) + "\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"b\.jsonl:1"):
        quality.load_labelled([bad])


def test_false_alarms_counts_per_10k_by_severity_and_judges_1998_prose_as_of_its_date(tmp_path):
    path = tmp_path / "rmrb1998_sentences.txt"
    lines = ["甲" * 100, "", "乙" * 300, "丙" * 100]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    dates = []

    def check(text, as_of):
        dates.append(as_of)
        if text.startswith("乙"):
            return [finding(0, 2, "乙乙", severity=Severity.SERIOUS), finding(5, 7, "乙乙", severity=Severity.WARNING)]
        return []

    fa = quality.false_alarms(path, check, TODAY)
    assert set(dates) == {dt.date(1998, 1, 31)}
    assert (fa.sentences, fa.chars, fa.serious, len(fa.alarms)) == (3, 500, 1, 2)
    d = fa.as_dict()
    assert d["serious_per_10k"] == 20.0 and d["all_per_10k"] == 40.0
    assert [(a["line"], a["code"], a["severity"]) for a in d["alarms"]] == [(3, "TY0001", "serious"),
                                                                            (3, "TY0001", "warning")]
    other = tmp_path / "today.txt"
    other.write_text("丁" * 10 + "\n", encoding="utf-8")
    dates.clear()
    quality.false_alarms(other, check, TODAY)
    assert dates == [TODAY]
    total = quality.summarize_files([fa, quality.false_alarms(other, check, TODAY)])
    assert (total["chars"], total["serious"], total["all"]) == (510, 1, 2)


def _results(recall, serious_per_10k, all_per_10k):
    return {"labelled": {"all": {"overall": {"recall": recall, "precision": 0.9, "f1": 0.9}}},
            "clean_prose": {"combined": {"serious_per_10k": serious_per_10k, "all_per_10k": all_per_10k}}}


THRESHOLDS = {"_comment": "ignored", "min_recall": 0.95, "max_serious_fa_per_10k": 0.1, "max_all_fa_per_10k": 1.0}


def test_check_thresholds_names_each_violation():
    assert quality.check_thresholds(_results(0.97, 0.05, 0.9), THRESHOLDS) == []
    problems = quality.check_thresholds(_results(0.90, 0.2, 0.9), THRESHOLDS)
    assert len(problems) == 2
    assert problems[0].startswith("min_recall") and "0.9000" in problems[0]
    assert problems[1].startswith("max_serious_fa_per_10k")
    assert quality.check_thresholds(_results(None, 0.0, 0.0), THRESHOLDS)[0].startswith("min_recall")
    with pytest.raises(ValueError, match="min_recal"):
        quality.check_thresholds(_results(1, 0, 0), {"min_recal": 0.9})


def test_thresholds_of_a_mode_apply_to_that_mode_only():
    thresholds = {**THRESHOLDS, "thorough": {"max_all_fa_per_10k": 0.5}}
    results = {**_results(0.97, 0.05, 0.9), "modes": {"thorough": _results(0.97, 0.05, 0.9)}}
    (problem,) = quality.check_thresholds(results, thresholds)
    assert problem.startswith("thorough mode: max_all_fa_per_10k") and "0.9000" in problem
    results["modes"]["thorough"] = _results(0.5, 0.0, 0.4)  # recall is not gated in thorough mode here
    assert quality.check_thresholds(results, thresholds) == []
    missing = quality.check_thresholds(_results(0.97, 0.05, 0.9), thresholds)
    assert missing == ["thorough: thresholds are set but the thorough mode was not measured"]
    with pytest.raises(ValueError, match="min_recal"):
        quality.check_thresholds({}, {"thorough": {"min_recal": 0.9}})


@pytest.mark.parametrize("all_per_10k, expected", [(0.5, 0), (1.5, 1)])
def test_main_check_exit_status(tmp_path, monkeypatch, capsys, all_per_10k, expected):
    overall = {**quality.Tally(tp=97, errors=100, detected=97).as_dict()}
    combined = {"files": 1, "sentences": 10, "chars": 10_000, "serious": 0, "all": int(all_per_10k),
                "serious_per_10k": 0.0, "all_per_10k": all_per_10k}
    results = {"date": "2026-01-15", "ruleset_version": "test", "quick": False, "skipped": [], "seconds": 0.0,
               "load_source": "test",
               "labelled": {"all": {"sentences": 100, "overall": overall, "by_category": {}, "by_kind": {},
                                    "missed": [], "false_positives": []}},
               "clean_prose": {"combined": combined}}
    monkeypatch.setattr(quality, "run", lambda *a, **k: results)
    thresholds = tmp_path / "t.json"
    thresholds.write_text(json.dumps(THRESHOLDS), encoding="utf-8")
    out = tmp_path / "q.json"
    assert quality.main(["--check", str(thresholds), "--json", str(out), "--modes", "fast"]) == expected
    assert json.loads(out.read_text(encoding="utf-8"))["ruleset_version"] == "test"
    err = capsys.readouterr().err
    assert ("max_all_fa_per_10k" in err) == bool(expected)


def test_main_refuses_unknown_threshold_keys(tmp_path, monkeypatch):
    monkeypatch.setattr(quality, "run", lambda *a, **k: pytest.fail("must not run"))
    thresholds = tmp_path / "t.json"
    thresholds.write_text(json.dumps({"min_recal": 0.9}), encoding="utf-8")
    assert quality.main(["--check", str(thresholds), "--json", str(tmp_path / "q.json")]) == 2


def test_clean_files_are_judged_as_of_their_date():
    assert quality.clean_as_of(Path("x/rmrb1998_sentences.txt")) == dt.date(1998, 1, 31)
    assert quality.clean_as_of(Path("gwr2015.txt")) == dt.date(2015, 1, 1)
    assert quality.clean_as_of(Path("xxqg_sentences.txt")) is None
    assert quality.clean_as_of(Path("law-12345.txt")) is None  # not a year


# ----------------------------------------------------------- ECSpell floors (context_eval.py)

_CE_PATH = Path(__file__).resolve().parents[1] / "benchmarks" / "context_eval.py"


def _context_eval():
    spec = importlib.util.spec_from_file_location("context_eval_benchmark", _CE_PATH)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_ecspell_floors_pass_and_fail():
    ce = _context_eval()
    results = {"ecspell": {"odw.test": {"flag_recall": 0.42, "flag_precision": 1.0}}}
    assert ce.check(results, {"ecspell": {"odw.test": {"min_flag_recall": 0.4, "min_flag_precision": 0.95}}}) == []
    failures = ce.check(results, {"ecspell": {"odw.test": {"min_flag_recall": 0.5}}})
    assert failures == ["ECSpell odw.test: flag_recall 0.42 < 0.5"]
    assert ce.check(results, {"ecspell": {"law.test": {"min_flag_recall": 0.1}}}) == ["ECSpell law.test: not measured"]
    with pytest.raises(ValueError, match="unknown ECSpell score"):
        ce.check(results, {"ecspell": {"odw.test": {"min_flag_recal": 0.1}}})
    with pytest.raises(ValueError, match="expected min_"):
        ce.check(results, {"ecspell": {"odw.test": {"flag_recall": 0.1}}})


def test_the_shipped_thresholds_are_read_by_both_benchmarks():
    thresholds = json.loads((_PATH.parent / "quality-thresholds.json").read_text(encoding="utf-8"))
    assert set(thresholds["ecspell"]) >= {"odw.test", "law.test"}
    quality.check_thresholds({}, thresholds)  # the ECSpell key is not an unknown key to quality.py
    ce = _context_eval()
    assert ce.check({"ecspell": {}}, thresholds) == ["ECSpell law.test: not measured", "ECSpell odw.test: not measured"]
