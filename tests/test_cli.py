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


def test_check_formats_and_rules_formats():
    for fmt in ("text", "json", "jsonl", "sarif", "github", "junit"):
        assert run("check", "--format", fmt, "-", stdin="截至目前".encode())[0] == 0
    assert run("rules", "--format", "sarif")[0] == 2  # rules lists as text or JSON only


def test_a_directory_is_walked_not_refused(tmp_path):
    (tmp_path / "a.txt").write_text("京津翼", encoding="utf-8")
    (tmp_path / "b.bin").write_bytes(b"\x00\x01")  # not a document extension: not read
    code, out, err = run("check", str(tmp_path))
    assert code == 1 and err == "" and out.startswith(f"{tmp_path / 'a.txt'}:1:1: FP0001")
