"""Request and response models of the HTTP API.

The library (`errcheck`) hands back frozen dataclasses; they are turned into JSON here,
at the edge (`report_payload`), so pydantic never enters the core. Responses are built as
plain dicts and serialized once (orjson when available): the response models below
document the shape in OpenAPI and are what the tests check the payloads against.
"""

from __future__ import annotations

import datetime as _dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from errcheck import SCHEMA_VERSION, Report
from errcheck.allowlist import MAX_CHARS, MIN_CHARS, check_phrase
from errcheck.htmltext import HtmlText
from errcheck.rules import CATEGORIES

Category = Literal["typo", "fixed-phrase", "sensitive", "outdated", "punctuation", "normative"]
SeverityLabel = Literal["warning", "error", "serious"]
assert set(Category.__args__) == set(CATEGORIES), "keep Category in step with errcheck.rules.CATEGORIES"

_DOC_TEXT = "Plain text to check (UTF-8; offsets are Unicode code points). Give `text` or `html`."
_DOC_HTML = (
    "An HTML page or fragment: tags, scripts, styles, navigation, header, footer and hidden "
    "elements are ignored and the visible article text is checked; findings carry offsets in "
    "that text and `html_start`/`html_end` in the source."
)


#: phrases a request may allow (`CheckOptions.allow`)
MAX_ALLOW_PHRASES = 100


class CheckOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")

    categories: list[Category] | None = Field(
        None, description="Report only these categories (default: all).", examples=[["typo", "fixed-phrase"]]
    )
    min_severity: SeverityLabel | None = Field(None, description="Report only findings at or above this severity.")
    as_of: _dt.date | None = Field(
        None, description="Judge dated rules as of this day (YYYY-MM-DD), e.g. an article's publication date."
    )
    mode: Literal["fast", "thorough"] | None = Field(
        None, description="fast (default): dictionary rules, the language model only for candidates that need "
                          "context; thorough: the language model also looks for typos no rule names (slower).")
    allow: list[str] | None = Field(
        None, max_length=MAX_ALLOW_PHRASES,
        description=f"Phrases never flagged in this request (names, local slogans): a finding overlapping one is "
                    f"dropped. At most {MAX_ALLOW_PHRASES} phrases of {MIN_CHARS}-{MAX_CHARS} characters.",
        examples=[["浙里办", "渝悦"]])

    @field_validator("allow")
    @classmethod
    def _valid_phrases(cls, value):
        return None if value is None else [check_phrase(p) for p in value]


def _one_of_text_html(model):
    if (model.text is None) == (model.html is None):
        raise ValueError("give exactly one of 'text' or 'html'")
    return model


class CheckRequest(CheckOptions):
    text: str | None = Field(None, description=_DOC_TEXT, examples=["县医保局深入推进京津翼协同发展"])
    html: str | None = Field(None, description=_DOC_HTML)

    _one_of = model_validator(mode="after")(_one_of_text_html)


class BatchDocument(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str | int = Field(..., description="The client's identifier, echoed in the result.")
    text: str | None = Field(None, description=_DOC_TEXT)
    html: str | None = Field(None, description=_DOC_HTML)

    _one_of = model_validator(mode="after")(_one_of_text_html)


class BatchRequest(CheckOptions):
    documents: list[BatchDocument] = Field(
        ..., min_length=1, description="The documents to check (at most ERRCHECK_MAX_BATCH_DOCUMENTS)."
    )

    @model_validator(mode="after")
    def _unique_ids(self):
        seen: set = set()
        for doc in self.documents:
            key = (type(doc.id).__name__, doc.id)
            if key in seen:
                raise ValueError(f"duplicate document id {doc.id!r}")
            seen.add(key)
        return self


class FindingOut(BaseModel):
    start: int = Field(..., description="Start offset (code points) in the checked text, inclusive.")
    end: int = Field(..., description="End offset (code points) in the checked text, exclusive.")
    line: int
    column: int
    text: str = Field(..., description="The flagged characters: checked_text[start:end].")
    suggestions: list[str]
    code: str
    category: Category
    severity: SeverityLabel
    message: str
    source: str
    context: str
    kind: str
    applicability: Literal["safe", "unsafe", "none"] = Field(
        "unsafe", description="safe: a curated correction with one suggestion, applied by 全部采纳; "
                              "unsafe: a guess or a choice, for a human; none: nothing to apply.")
    html_start: int | None = Field(None, description="HTML input only: start offset in the HTML source.")
    html_end: int | None = Field(None, description="HTML input only: end offset in the HTML source (exclusive).")


class Counts(BaseModel):
    serious: int
    error: int
    warning: int


class Timing(BaseModel):
    check_ms: float = Field(..., description="Time spent in the checker.")
    total_ms: float = Field(..., description="Time spent handling the request body (extraction + check + encoding).")


class ReportOut(BaseModel):
    schema_version: str
    ruleset_version: str = Field(..., description="12-hex identifier of the rule set in force.")
    input: Literal["text", "html"]
    length: int = Field(..., description="Length of the checked text in code points.")
    verdict: Literal["pass", "warn", "fail"]
    score: int = Field(..., ge=0, le=100)
    counts: Counts
    fixable: int = Field(0, description="How many findings have a safe fix.")
    findings: list[FindingOut]
    text: str | None = Field(None, description="HTML input only: the extracted visible text that was checked.")
    truncated_at: int | None = Field(None, description="Set when the text held more candidate matches than are "
                                                       "judged per text: nothing from this offset on was checked.")
    timing: Timing


class BatchItemOut(ReportOut):
    id: str | int


class BatchOut(BaseModel):
    ruleset_version: str
    count: int
    results: list[BatchItemOut]
    timing: Timing


class RuleOut(BaseModel):
    code: str
    category: Category
    severity: SeverityLabel
    wrong: list[str]
    right: list[str]
    message: str
    source: str
    valid_from: _dt.date | None
    valid_to: _dt.date | None


class RuleCounts(BaseModel):
    total: int
    by_category: dict[str, int]
    by_severity: dict[str, int]


class RulesOut(BaseModel):
    ruleset_version: str
    counts: RuleCounts
    rules: list[RuleOut]


class HealthOut(BaseModel):
    status: Literal["ok"]
    version: str


class ReadyOut(BaseModel):
    status: Literal["ready"]
    ruleset_version: str
    rules: int


class ReloadOut(BaseModel):
    status: Literal["reloaded"]
    ruleset_version: str
    previous_version: str
    changed: bool
    rules: int
    load_info: dict[str, Any]


class ExtractOut(BaseModel):
    filename: str
    format: Literal["txt", "html", "docx"]
    text: str


class ErrorDetail(BaseModel):
    field: str | None = Field(None, description="Where the problem is, e.g. `body.text` or `body.documents.2.id`.")
    message: str
    type: str | None = None


class ErrorBody(BaseModel):
    code: str = Field(..., description="Machine-readable error code, e.g. `payload_too_large`.")
    message: str
    details: list[ErrorDetail] = Field(default_factory=list)


class ErrorResponse(BaseModel):
    error: ErrorBody


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses=`` entries for the error statuses of a route."""
    text = {
        400: "Body not valid UTF-8 / unreadable",
        401: "Credentials missing",
        403: "Credentials wrong",
        404: "Not found / disabled",
        413: "Body, text or batch too large",
        415: "Unsupported file type",
        422: "Invalid JSON, wrong types or invalid dictionary",
        503: "Rule set not loaded yet",
    }
    return {s: {"model": ErrorResponse, "description": text.get(s, "Error")} for s in statuses}


# -- library dataclasses → JSON-ready dicts --------------------------------------------------


def report_payload(
    report: Report, *, html: HtmlText | None = None, check_ms: float, total_ms: float
) -> dict[str, Any]:
    """The JSON body of one checked document (see `ReportOut`)."""
    findings = []
    for f in report.findings:
        d = f.to_dict()
        if html is not None:
            d["html_start"], d["html_end"] = html.source_span(f.start, f.end)
        findings.append(d)
    payload = {
        "schema_version": SCHEMA_VERSION,
        "ruleset_version": report.ruleset_version,
        "input": "html" if html is not None else "text",
        "length": report.length,
        "verdict": report.verdict,
        "score": report.score,
        "counts": dict(report.counts),
        "findings": findings,
        "truncated_at": report.truncated_at,
        "timing": {"check_ms": round(check_ms, 3), "total_ms": round(total_ms, 3)},
    }
    if html is not None:
        payload["text"] = html.text
    return payload


def rule_payload(rule) -> dict[str, Any]:
    return {
        "code": rule.code,
        "category": rule.category,
        "severity": rule.severity.label,
        "wrong": list(rule.wrong),
        "right": list(rule.right),
        "message": rule.message,
        "source": rule.source,
        "valid_from": rule.valid_from.isoformat() if rule.valid_from else None,
        "valid_to": rule.valid_to.isoformat() if rule.valid_to else None,
    }
