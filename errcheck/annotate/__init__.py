"""Write the findings back into the document they came from.

* `annotate_docx`: the same .docx with a Word comment (批注) on each finding and, with
  ``track_changes``, the safe fixes as tracked changes (修订) an editor accepts or rejects
  in Word or WPS. Needs lxml (``pip install 'errcheck[docx]'``); see
  `errcheck.annotate.ooxml` for what is read and written.
* `annotate_html`: the HTML source with each finding wrapped in ``<mark>`` (and a safe
  fix as ``<del>``/``<ins>``), everything else byte for byte.
* `annotate_text`: the text (with the safe fixes applied, on request) followed by the
  findings as a report.

Nothing heavy is imported until a function is called.
"""

from __future__ import annotations

import html as _html

__all__ = ["annotate_docx", "annotate_html", "annotate_text", "DocxRejected"]



def __getattr__(name):  # DocxRejected without importing zipfile for `errcheck check`
    if name == "DocxRejected":
        from ..docx_safety import DocxRejected

        return DocxRejected
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def annotate_docx(data: bytes, checker, *, track_changes: bool = False, as_of=None, categories=None,
                  min_severity=None, mode=None, author: str = "errcheck", date=None, limits=None):
    """Check the .docx ``data`` with ``checker`` and return ``(annotated bytes, summary)``.

    The result is the same package: every zip member in the same order and compression,
    untouched members byte for byte; only the annotated story parts (document, notes,
    headers and footers), ``comments.xml`` and, when comments.xml is new, the content
    types and the document's relationships change. ``summary`` is an
    `errcheck.annotate.ooxml.Summary`: each part's text and `Report`, and per finding
    its comment id and whether its fix was made. Raises `DocxRejected` for a file that
    is not a readable .docx or breaks a `errcheck.docx_safety.DocxLimits` limit.
    """
    from .ooxml import DEFAULT_LIMITS
    from .ooxml import annotate_docx as _annotate

    return _annotate(data, checker, track_changes=track_changes, as_of=as_of, categories=categories,
                     min_severity=min_severity, mode=mode, author=author, date=date,
                     limits=limits or DEFAULT_LIMITS)


def _title(f) -> str:
    hint = "建议：" + " / ".join(f.suggestions) + "；" if f.suggestions else ""
    return f"{f.code} [{f.severity.label}] {hint}{f.message}"


STYLE = ("<style>mark.errcheck{background:#fff3a0}mark.errcheck.serious{background:#ffc9c9}"
         "del.errcheck{color:#b00}ins.errcheck{color:#070}</style>")


def annotate_html(source: str, report_or_checker, *, track_changes: bool = False, **check_kwargs):
    """The HTML ``source`` with each finding in the visible text wrapped in
    ``<mark class="errcheck {severity}" title="code, suggestion, message">``, and with
    ``track_changes`` a safe fix as ``<del class="errcheck">old</del><ins
    class="errcheck">new</ins>`` inside the mark. A finding whose source span crosses a
    tag is left unmarked (it is still in the report). A style
    sheet is added before ``</head>`` (or at the start). Returns ``(html, report,
    marked)`` with ``marked`` the number of findings wrapped."""
    from ..htmltext import extract

    doc = extract(source)
    report = _report(report_or_checker, doc.text, check_kwargs)
    pieces, pos, marked = [], 0, 0
    for f in sorted(report.findings, key=lambda f: f.start):
        s, e = doc.source_span(f.start, f.end)
        raw = source[s:e]
        if s < pos or e <= s or "<" in raw or ">" in raw:
            continue  # crosses a tag: not wrapped
        body = raw
        if track_changes and f.safe and f.suggestions:
            body = (f'<del class="errcheck">{body}</del>'
                    f'<ins class="errcheck">{_html.escape(f.suggestions[0], quote=False)}</ins>')
        pieces += [source[pos:s], f'<mark class="errcheck {f.severity.label}" data-code="{f.code}" '
                   f'title="{_html.escape(_title(f))}">', body, "</mark>"]
        pos, marked = e, marked + 1
    pieces.append(source[pos:])
    out = "".join(pieces)
    if marked:
        at = out.lower().find("</head>")
        out = out[:at] + STYLE + out[at:] if at >= 0 else STYLE + out
    return out, report, marked


def annotate_text(text: str, report_or_checker, *, track_changes: bool = False, name: str = "<text>",
                  **check_kwargs):
    """The text (with the safe fixes applied when ``track_changes``) followed by a line
    of dashes and one line per finding, ``name:line:column: CODE [severity] 「text」 →
    suggestion  message`` (positions in the original text). Returns ``(text, report)``."""
    report = _report(report_or_checker, text, check_kwargs)
    body = report.fix(text) if track_changes else text
    lines = [f"---- errcheck: {len(report.findings)} findings, {report.verdict} (score {report.score})"
             + (f", {report.fixable} safe fixes applied" if track_changes else "") + " ----"]
    for f in report.findings:
        hint = " → " + " / ".join(f.suggestions) if f.suggestions else ""
        done = " (fixed)" if track_changes and f.safe and f.suggestions else ""
        lines.append(f"{name}:{f.line}:{f.column}: {f.code} [{f.severity.label}] 「{f.text}」{hint}  {f.message}{done}")
    sep = "" if body.endswith("\n") or not body else "\n"
    return body + sep + "\n".join(lines) + "\n", report


def _report(report_or_checker, text, check_kwargs):
    if hasattr(report_or_checker, "findings"):
        return report_or_checker
    return report_or_checker.check(text, **{k: v for k, v in check_kwargs.items() if v is not None})
