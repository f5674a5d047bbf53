"""Inline suppressions (errcheck/suppress.py): the grammar, what each form silences, unused
directives (EC0001), and the same through the command line on real findings."""

import io

from hypothesis import given, settings, strategies as st

from errcheck.cli import main
from errcheck.model import Finding, Report, Severity
from errcheck.suppress import UNUSED_CODE, Suppressions, apply, parse


def finding(line: int, column: int = 1, code: str = "TY0002", category: str = "typo") -> Finding:
    return Finding(start=0, end=1, line=line, column=column, text="x", suggestions=(), code=code,
                   category=category, severity=Severity.SERIOUS, message="m", source="s", context="x")


def kept(source: str, findings, **kw) -> list[tuple[int, str]]:
    report = apply(source, Report(tuple(findings)), **kw)
    return [(f.line, f.code) for f in report.findings]


def test_parse_markdown_html_and_plain_forms():
    text = ("<!-- errcheck: ignore TY0002 -->\n"
            "文本 <!-- errcheck: ignore-line TY0002, FP0001 -->\n"
            "# errcheck: disable typo reason: quoted\n"
            "// errcheck: enable\n"
            "一行字 errcheck: ignore\n")
    ds = parse(text)
    assert [(d.action, d.selectors, d.line, d.column) for d in ds] == [
        ("ignore", ("TY0002",), 1, 1),
        ("ignore-line", ("TY0002", "FP0001"), 2, 4),
        ("disable", ("typo",), 3, 3),
        ("enable", (), 4, 4),
        ("ignore", (), 5, 5),
    ]
    # a directive's text is the comment as written, markers included
    assert [d.text for d in ds[:2]] == ["<!-- errcheck: ignore TY0002 -->",
                                        "<!-- errcheck: ignore-line TY0002, FP0001 -->"]
    assert all(text[d.start:d.end] == d.text for d in ds)


def test_not_a_directive():
    assert parse("errcheck: ignored by nobody\nerrcheck:ignore-next-line TY0002\n正文") == []


def test_ignore_applies_to_the_next_line_with_text():
    src = "<!-- errcheck: ignore TY0002 -->\n\n截止目前\n截止目前\n"
    assert kept(src, [finding(3), finding(4)]) == [(4, "TY0002")]
    # stacked ignores skip each other and apply to the same line
    src = "<!-- errcheck: ignore TY0002 -->\n<!-- errcheck: ignore FP0001 -->\n文本\n"
    assert kept(src, [finding(3), finding(3, 5, "FP0001", "fixed-phrase")]) == []
    # only the codes named, the others stay
    src = "<!-- errcheck: ignore TY0002 -->\n文本\n"
    assert kept(src, [finding(2), finding(2, 5, "FP0001")]) == [(2, "FP0001")]


def test_ignore_without_codes_and_by_prefix_or_category():
    assert kept("<!-- errcheck: ignore -->\n文本", [finding(2), finding(2, 3, "FP0001", "fixed-phrase")]) == []
    assert kept("# errcheck: ignore TY\n文本", [finding(2), finding(2, 3, "FP0001", "fixed-phrase")]) == [(2, "FP0001")]
    assert kept("// errcheck: ignore fixed-phrase\n文本",
                [finding(2), finding(2, 3, "FP0001", "fixed-phrase")]) == [(2, "TY0002")]


def test_ignore_line_is_its_own_line_only():
    src = "截止目前 <!-- errcheck: ignore-line TY0002 -->\n截止目前\n"
    assert kept(src, [finding(1), finding(2)]) == [(2, "TY0002")]


def test_disable_enable_region_with_columns():
    src = ("截止目前\n"
           "<!-- errcheck: disable TY0002 -->\n"
           "截止目前\n"
           "截止目前 <!-- errcheck: enable TY0002 --> 截止目前\n"
           "截止目前\n")
    findings = [finding(1), finding(3), finding(4, 1), finding(4, 37), finding(5)]
    assert kept(src, findings) == [(1, "TY0002"), (4, "TY0002"), (5, "TY0002")]
    assert [f.column for f in apply(src, Report(tuple(findings))).findings] == [1, 37, 1]


def test_disable_without_enable_lasts_to_the_end_and_enable_alone_closes_all():
    src = "<!-- errcheck: disable -->\n甲\n乙\n"
    assert kept(src, [finding(2), finding(3, 1, "FP0001")]) == []
    src = "<!-- errcheck: disable TY0002 -->\n<!-- errcheck: disable FP -->\n甲\n<!-- errcheck: enable -->\n乙\n"
    assert kept(src, [finding(3), finding(3, 1, "FP0001"), finding(5), finding(5, 1, "FP0001")]) == [
        (5, "TY0002"), (5, "FP0001")]
    # a disable on the same line before the text covers it, one after it does not
    src = "甲 <!-- errcheck: disable --> 乙"
    assert kept(src, [finding(1, 1), finding(1, 30)]) == [(1, "TY0002")]


def test_unused_suppressions_are_reported_as_ec0001():
    src = ("<!-- errcheck: ignore TY0002 -->\n"     # used
           "截止目前\n"
           "<!-- errcheck: ignore FP0001 -->\n"     # unused
           "文本\n"
           "<!-- errcheck: ignore-line TY0002 FP0002 --> 截止目前\n"  # FP0002 unused
           "<!-- errcheck: enable -->\n")            # ends no disable
    report = apply(src, Report((finding(2), finding(5, 45))), report_unused=True)
    unused = [f for f in report.findings if f.code == UNUSED_CODE]
    assert [(f.line, f.column, f.text) for f in unused] == [
        (3, 1, "<!-- errcheck: ignore FP0001 -->"),
        (5, 1, "<!-- errcheck: ignore-line TY0002 FP0002 -->"),
        (6, 1, "<!-- errcheck: enable -->"),
    ]
    assert all(f.severity is Severity.WARNING and f.category == "suppression" and f.applicability == "none"
               for f in unused)
    assert "FP0002" in unused[1].message and "TY0002" not in unused[1].message.split(" in ")[0]
    assert all(src[f.start:f.end] == f.text for f in unused)
    assert len(report.findings) == 3  # the two real findings are silenced
    # without the option nothing is added
    assert apply(src, Report((finding(2),))).findings == ()


def test_no_directive_returns_the_same_report():
    report = Report((finding(1),))
    assert apply("纯文本，没有注释", report) is report
    assert not Suppressions("纯文本")


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(list("ab文\n <!->#/:,") + ["errcheck:", " ignore", " ignore-line", " disable",
                                                             " enable", " TY0002", " typo"]),
                max_size=40).map("".join),
       st.lists(st.integers(1, 8), max_size=6))
def test_never_raises_and_only_removes(text, lines):
    report = Report(tuple(finding(n) for n in lines))
    for unused in (False, True):
        out = apply(text, report, report_unused=unused)
        real = [f for f in out.findings if f.code != UNUSED_CODE]
        assert len(real) <= len(report.findings)
        assert all(text[f.start:f.end] == f.text for f in out.findings if f.code == UNUSED_CODE)


# --------------------------------------------------------------------------- command line, real findings


def run(*argv):
    out, err = io.StringIO(), io.StringIO()
    return main(list(argv), out, err), out.getvalue(), err.getvalue()


def test_cli_suppressions_on_a_markdown_file(tmp_path):
    md = tmp_path / "draft.md"
    md.write_text("# 通报\n\n"
                  "<!-- errcheck: ignore TY0002 原文照录 -->\n"
                  "截止目前，京津翼协同发展。\n"
                  "<!-- errcheck: disable -->\n"
                  "党的二十精神\n"
                  "<!-- errcheck: enable -->\n"
                  "名族团结 <!-- errcheck: ignore-line FP0001 -->\n", encoding="utf-8")
    code, out, _ = run("check", "--isolated", str(md))
    lines = out.splitlines()
    assert [line.split(": ", 1)[0] for line in lines[:-1]] == [f"{md}:4:6", f"{md}:8:1"]
    assert " FP0001 " in lines[0] and " TY0001 " in lines[1]
    assert code == 1
    code, out, _ = run("check", "--isolated", "--report-unused-ignores", str(md))
    (unused,) = [line for line in out.splitlines() if "EC0001" in line]
    assert unused.startswith(f"{md}:8:6: EC0001 [warning] 「<!-- errcheck: ignore-line FP0001 -->」")
    # EC0001 is a rule like the others: it can be ignored
    code, out, _ = run("check", "--isolated", "--report-unused-ignores", "--ignore", "EC0001", str(md))
    assert "EC0001" not in out


@settings(max_examples=300, deadline=None)
@given(st.text(), st.lists(st.integers(1, 5), max_size=4))
def test_any_string_is_safe(text, lines):
    out = apply("errcheck: ignore " + text + "\n" + text, Report(tuple(finding(n) for n in lines)),
                report_unused=True)
    assert all(f.code == UNUSED_CODE or f.line in lines for f in out.findings)
