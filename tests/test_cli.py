"""The CLI contract: output formats and exit status 0 / 1 / 2."""

import io
import json
import subprocess
import sys
from pathlib import Path

from errcheck.cli import main

from seed_cases import SEED_SENTENCE

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "draft.txt"


def run(*argv, stdin=None):
    out, err = io.StringIO(), io.StringIO()
    if stdin is not None:
        old = sys.stdin
        sys.stdin = io.TextIOWrapper(io.BytesIO(stdin), encoding="utf-8")
        try:
            code = main(list(argv), out, err)
        finally:
            sys.stdin = old
    else:
        code = main(list(argv), out, err)
    return code, out.getvalue(), err.getvalue()


def test_example_file_text_output():
    code, out, err = run("check", str(EXAMPLE), "--color", "never")
    assert code == 1 and err == ""
    lines = out.splitlines()
    assert lines[0] == (f"{EXAMPLE}:3:14: FP0001 [serious] 「京津翼」 → 京津冀  「京津翼」应为「京津冀」：冀是河北省的简称")
    assert lines[-1] == f"{EXAMPLE}: fail (score 0; 10 serious, 0 error, 0 warning)"
    text = EXAMPLE.read_text(encoding="utf-8")
    for line in lines[:-1]:
        _, ln, col, rest = line.split(":", 3)
        wrong = rest.split("「", 1)[1].split("」", 1)[0]
        assert text.splitlines()[int(ln) - 1][int(col) - 1 :].startswith(wrong)


def test_colour_only_when_asked_or_on_a_terminal():
    _, plain, _ = run("check", str(EXAMPLE))  # StringIO is not a terminal
    assert "\033[" not in plain
    _, coloured, _ = run("check", str(EXAMPLE), "--color", "always")
    assert "\033[1;31mserious\033[0m" in coloured


def test_stdin_json_output():
    code, out, _ = run("check", "-", "--format", "json", stdin=SEED_SENTENCE.encode())
    assert code == 1
    data = json.loads(out)
    assert data["path"] == "<stdin>" and data["verdict"] == "fail"
    assert [(f["start"], f["end"]) for f in data["findings"]] == [(10, 13), (14, 18), (22, 24), (27, 33)]


def test_clean_input_exits_zero():
    code, out, _ = run("check", "-", stdin="截至目前，京津冀协同发展稳步推进。".encode())
    assert code == 0 and out.strip() == "<stdin>: pass (score 100; 0 serious, 0 error, 0 warning)"


def test_fail_on_and_min_severity(tmp_path):
    p = tmp_path / "a.txt"
    p.write_text("深入推进京津翼协同发展", encoding="utf-8")
    assert run("check", str(p), "--min-severity", "serious")[0] == 1
    assert run("check", str(p), "--category", "typo")[0] == 0


def test_missing_file_and_non_utf8_exit_two_naming_the_file(tmp_path):
    bad = tmp_path / "gbk.txt"
    bad.write_bytes("京津翼".encode("gbk"))
    good = tmp_path / "ok.txt"
    good.write_text("京津翼", encoding="utf-8")
    code, out, err = run("check", str(tmp_path / "nope.txt"), str(bad), str(good))
    assert code == 2
    assert f"{tmp_path / 'nope.txt'}: cannot read" in err
    assert f"{bad}: not UTF-8 text" in err
    assert f"{good}:1:1: FP0001" in out  # the readable file is still checked


def test_bad_dictionary_exits_two_with_file_and_line(tmp_path):
    (tmp_path / "x.yaml").write_text("entries:\n  - code: nope\n", encoding="utf-8")
    code, _, err = run("check", "-d", str(tmp_path), str(EXAMPLE))
    assert code == 2
    assert f"dictionary error: {tmp_path / 'x.yaml'}:2:" in err


def test_usage_errors_exit_two():
    assert run()[0] == 2
    assert run("check")[0] == 2
    assert run("check", "--format", "xml", "a.txt")[0] == 2
    assert run("check", "--as-of", "not-a-date", str(EXAMPLE))[0] == 2


def test_rules_listing():
    code, out, _ = run("rules", "--category", "punctuation")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].startswith("DF0001  warning  punctuation")  # sorted by code
    assert any(line.startswith("PU0001  serious  punctuation") for line in lines)
    code, out, _ = run("rules", "--format", "json")
    rules = json.loads(out)
    codes = [r["code"] for r in rules]
    assert "FP0001" in codes and codes == sorted(codes)
    # a division rule has 108 wrong forms: the text listing shows four, JSON all of them
    (division,) = [r for r in rules if r["code"] == "AD4308"]
    assert len(division["wrong"]) == 108
    code, out, _ = run("rules", "--category", "fixed-phrase")
    (line,) = [line for line in out.splitlines() if line.startswith("AD4308")]
    assert line.endswith("/… (+104) → 湖南省张家界市")


def test_python_dash_m_entry_point():
    proc = subprocess.run([sys.executable, "-m", "errcheck", "check", "-"], input=SEED_SENTENCE.encode(),
                          capture_output=True, timeout=120)
    assert proc.returncode == 1
    assert b"FP0001" in proc.stdout


# --------------------------------------------------------------------------- explain, rules, help, pipes


def test_explain_a_listed_rule():
    code, out, err = run("explain", "ty0002")
    assert code == 0 and err == ""
    lines = out.splitlines()
    assert lines[0] == "TY0002: 「截止目前」应为「截至目前」：表示到某一时间为止用“截至”，“截止”表示停止，后面不带时间宾语"
    fields = dict(line.split(":", 1) for line in lines[2:] if line and not line.startswith(" ") and ":" in line)
    assert fields["category"].strip() == "typo" and fields["severity"].strip() == "serious"
    assert fields["family"].strip().startswith("pairs (")
    assert fields["wrong"].strip() == "截止目前" and fields["right"].strip() == "截至目前"
    assert fields["source"].strip().startswith("政府网站和政务新媒体检查情况通报")
    assert "  bad:  [[截止目前]]，已完成整改任务。  → 截至目前" in lines
    assert "  good: 申报截止日期为本月三十日。" in lines


def test_explain_generated_and_dated_rules_and_json():
    code, out, _ = run("explain", "CW0001")
    assert code == 0
    assert "wrong:      (generated: misspellings of " in out and " everyday words)" in out
    assert "→  " not in out and "wrong:      \n" not in out
    code, out, _ = run("explain", "OD0001")
    assert "valid:      2018-03-17 to …" in out
    code, out, _ = run("explain", "PT0001", "--format", "json")
    doc = json.loads(out)
    assert doc["code"] == "PT0001" and doc["family"] == "terms" and doc["wrong"] == []
    assert doc["forms"] == "(generated: misspellings of the protected term)"
    code, out, _ = run("explain", "TY0002", "--format", "json")
    doc = json.loads(out)
    (bad,) = doc["examples"]["bad"]
    assert bad["text"][bad["span"][0]:bad["span"][1]] == "截止目前"
    assert doc["wrong"] == ["截止目前"] and doc["forms"] is None and doc["valid_from"] is None
    code, out, _ = run("explain", "EC0001")
    assert code == 0 and "category:   suppression" in out and "severity:   warning" in out


def test_explain_unknown_code_exits_two():
    code, out, err = run("explain", "TY000")
    assert code == 2 and out == ""
    assert err.startswith("errcheck: unknown rule code 'TY000'") and "did you mean" in err


def test_rules_show_message_source_and_what_generated_rules_match():
    code, out, _ = run("rules", "--select", "CW0001,TY0002,PN0004,NE0055")
    assert code == 0
    lines = out.splitlines()
    assert lines[-1] == "4 rules"  # EC0001 is not selected: --select names only these
    listing = dict(zip(lines[0:-1:2], lines[1:-1:2]))
    heads = list(listing)
    assert heads[0].startswith("CW0001  error    typo          (generated: misspellings of ")
    assert heads[0].endswith("everyday words) → (the word or phrase it resembles)")
    assert any(h.startswith("NE0055") and h.endswith("独眼龙 → (flag only: no suggestion)") for h in heads)
    assert any(h.startswith("PN0004") and "(whole-text check: unpaired)" in h for h in heads)
    ty = next(h for h in heads if h.startswith("TY0002"))
    assert listing[ty].strip().startswith("「截止目前」应为「截至目前」") and listing[ty].endswith("的辨析]")


def test_rules_search():
    code, out, _ = run("rules", "--search", "冀是河北", "--format", "json")
    rules = json.loads(out)
    assert rules and all("冀是河北" in (r["message"] + r["source"] + "".join(r["wrong"] + r["right"]))
                         for r in rules)
    assert "FP0001" in [r["code"] for r in rules]
    _, out, _ = run("rules", "--search", "fp000")  # codes too, case-insensitively
    assert out.splitlines()[0].startswith("FP0001") and out.splitlines()[-1].endswith(" rules")
    _, out, _ = run("rules", "--search", "no such text anywhere")
    assert out == "0 rules\n"


def test_every_command_has_examples_and_main_help_documents_exit_codes():
    from errcheck.cli import build_parser

    import contextlib

    def help_of(*argv):
        buf = io.StringIO()
        with contextlib.redirect_stdout(buf):  # argparse prints help to sys.stdout
            code = run(*argv, "--help")[0]
        return code, buf.getvalue()

    parser = build_parser()
    code, out = help_of()
    assert code == 0
    assert "exit status:" in out and "  0  no finding at or above --fail-on" in out
    assert "  1  at least one finding" in out and "  2  usage error" in out
    sub = next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction")
    assert {"check", "rules", "explain", "config"} <= set(sub.choices)
    for name in sub.choices:
        code, out = help_of(name)
        assert code == 0
        assert "examples:\n  errcheck " + name in out, name
    code, out = help_of("check")
    assert "exit status:" in out and "<!-- errcheck: ignore TY0002 -->" in out


def test_exit_codes_in_readme_match_the_help():
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    assert "Exit status: **0** no finding at or above `--fail-on`" in readme and "**1** at least" in readme
    assert "**2** usage error" in readme


def _stop_reading_after_one_line(argv, stdin=None):
    proc = subprocess.Popen([sys.executable, "-m", "errcheck", *argv], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if stdin is not None:
        proc.stdin.write(stdin)
    proc.stdin.close()
    first = proc.stdout.readline()
    proc.stdout.close()  # like `| head -1`
    err = proc.stderr.read()
    proc.wait(timeout=300)
    return first, err, proc.returncode


def test_broken_pipe_is_quiet():
    first, err, status = _stop_reading_after_one_line(["rules"])
    assert first.startswith(b"AD1100  ")
    assert err == b"" and status == 1
    many = (SEED_SENTENCE + "\n").encode() * 3000  # far more output than a pipe buffer holds
    first, err, status = _stop_reading_after_one_line(["check", "-", "--isolated"], many)
    assert first.startswith(b"<stdin>:1:")
    assert b"Traceback" not in err and b"BrokenPipe" not in err and err == b""
    assert status == 1


def test_check_formats_and_rules_formats():
    for fmt in ("text", "json", "jsonl", "sarif", "github", "junit"):
        assert run("check", "--format", fmt, "-", stdin="截至目前".encode())[0] == 0
    assert run("rules", "--format", "sarif")[0] == 2  # rules lists as text or JSON only


def test_a_directory_is_walked_not_refused(tmp_path):
    (tmp_path / "a.txt").write_text("京津翼", encoding="utf-8")
    (tmp_path / "b.bin").write_bytes(b"\x00\x01")  # not a document extension: not read
    code, out, err = run("check", str(tmp_path))
    assert code == 1 and err == "" and out.startswith(f"{tmp_path / 'a.txt'}:1:1: FP0001")


def test_suppressions_in_html_use_the_lines_of_the_source(tmp_path):
    """An HTML comment is not part of the visible text, but the suppression it holds applies
    to the next line of the file as written; with --fix the safe fix is not applied to a
    suppressed finding, and suppressions also work under a directory walk."""
    page = tmp_path / "page.html"
    page.write_text("<html><body>\n<!-- errcheck: ignore FP0001 -->\n<p>京津翼协同发展</p>\n"
                    "<p>再写一次京津翼</p>\n</body></html>\n", encoding="utf-8")
    code, out, _ = run("check", str(tmp_path), "--isolated", "--format", "json")
    doc = json.loads(out)
    (file,) = doc["files"]
    assert [(f["code"], f["line"]) for f in file["findings"]] == [("FP0001", 4)]
    code, out, err = run("check", str(page), "--isolated", "--fix")
    fixed = page.read_text(encoding="utf-8")
    assert "<p>京津翼协同发展</p>" in fixed and "<p>再写一次京津冀</p>" in fixed
    code, out, _ = run("check", str(page), "--isolated", "--report-unused-ignores")
    assert code == 0 and "EC0001" not in out


def test_as_of_auto_judges_each_document_as_of_its_own_date(tmp_path):
    """An archive checked with --as-of auto: a 2016 notice may name the agency that the 2018
    reform renamed (OD0001), a 2019 one may not; the date each was judged by is said."""
    body = "各地工商部门要落实国家工商行政管理总局的部署。\n"
    (tmp_path / "old.txt").write_text(body + "二〇一六年五月六日\n", encoding="utf-8")
    (tmp_path / "new.txt").write_text(body + "2019年5月6日\n", encoding="utf-8")
    (tmp_path / "page.html").write_text(
        '<html><head><meta name="PubDate" content="2016-03-01 09:00"></head><body><p>' + body
        + "</p></body></html>", encoding="utf-8")
    code, out, err = run("check", str(tmp_path), "--isolated", "--as-of", "auto", "--format", "json")
    flagged = {Path(f["path"]).name: [x["code"] for x in f["findings"]] for f in json.loads(out)["files"]}
    assert flagged == {"old.txt": [], "new.txt": ["OD0001"], "page.html": []}, flagged
    assert f"{tmp_path / 'old.txt'}: judged as of 2016-05-06 (date-line)" in err
    assert f"{tmp_path / 'page.html'}: judged as of 2016-03-01 (html-meta)" in err
    assert code == 1
    # without a date of its own a document is judged as of today
    code, out, err = run("check", "-", "--isolated", "--as-of", "auto", stdin=body.encode())
    assert code == 1 and "OD0001" in out and "judged as of today (no date found) (none)" in err
