"""The glue between a request and `errcheck.Checker`: length limits, HTML extraction,
the check itself, and the conversion of the report to JSON. No detection logic here."""

from __future__ import annotations

import random
import re
import time
from typing import Any

from starlette.concurrency import run_in_threadpool

from errcheck import Checker
from errcheck.htmltext import extract as extract_html

from .errors import ApiError
from .schemas import CheckOptions, report_payload


def _too_long(field: str, length: int, limit: int) -> ApiError:
    return ApiError(
        413,
        "text_too_long",
        f"{field.rsplit('.', 1)[-1]} of {length} characters exceeds the limit of {limit} characters",
        [{"field": field, "message": f"at most {limit} characters", "type": "too_long"}],
    )


_SURROGATE = re.compile("[\ud800-\udfff]")


def reject_surrogates(value: str, field: str) -> None:
    """422 (`ApiError`) when ``value`` holds a lone surrogate (U+D800–U+DFFF): no Unicode
    character, so nothing that could be checked, encoded as UTF-8 or sent back. JSON
    bodies (every text, html and id field) are screened once, on their bytes, by
    `service.middleware.BodyGuard` (a regex over a 3,000-character text here would cost
    ~14 µs, a fifth of its check); this guards the other ways in (uploads)."""
    m = _SURROGATE.search(value)
    if m is not None:
        message = (f"{field.rsplit('.', 1)[-1]} holds a lone surrogate U+{ord(m.group()):04X} at offset "
                   f"{m.start()}, which is not a Unicode character")
        raise ApiError(422, "invalid_text", message, [{"field": field, "message": message, "type": "lone_surrogate"}])


def check_length(text: str | None, html: str | None, limit: int, where: str = "body") -> int:
    """The document's length in characters; 413 (`ApiError`) above ``limit``."""
    value, name = (text, "text") if text is not None else (html, "html")
    size = len(value or "")
    if size > limit:
        raise _too_long(f"{where}.{name}", size, limit)
    return size


#: the inline cost estimate, in microseconds (measured with benchmarks/adversarial.py's
#: inputs on the 2-core CI machine, rounded up): per character of text (scan, report),
#: per character of HTML (extraction), per automaton match (mostly allow-phrases, cheap),
#: per character that normalization changes (a second pass over the normalized text) and
#: per match that the filter must examine (word-boundary segmentation, the finding: the
#: dominant cost of text dense with wrong forms)
COST_US_PER_CHAR = 0.03
COST_US_PER_HTML_CHAR = 0.15
COST_US_PER_MATCH = 0.3
COST_US_PER_FOLD = 4.0
COST_US_PER_HIT = 10.0
#: characters scanned to estimate: the whole text up to this size, else 4 slices of a
#: quarter of it at random offsets (random, so that a client cannot hide a dense region
#: where the sample never looks)
SAMPLE_CHARS = 512


def _count_matches(checker: Checker, sample: str) -> tuple[int, int, int]:
    """(matches, characters to normalize, matches that the filter examines) in
    ``sample``, from one scan of each compiled automaton (the shipped one and the
    overlay of the user's dictionaries, if any)."""
    total = folds = hits = 0
    for layer in checker.load().layers:
        try:
            matches = layer.matcher.find_all(sample)
        except UnicodeEncodeError:  # a lone surrogate: the check replaces it, so can the estimate
            return 0, 0, len(sample)
        targets, base, fold_marks = layer.targets, layer.compact_base, layer.fold_marks
        total += len(matches)
        folds += sum(1 for m in matches if m[2] < fold_marks)
        hits += sum(1 for m in matches if m[2] >= base or targets[m[2]])
    return total, folds, hits


def estimate_us(checker: Checker, text: str, html: bool = False) -> float:
    """A cheap estimate of the microseconds `check_document` will take on ``text`` (the
    HTML source when ``html``): one automaton scan of at most `SAMPLE_CHARS` characters
    (~5 µs), extrapolated to the whole length."""
    n = len(text)
    if n <= SAMPLE_CHARS:
        sample = text
    else:
        piece = SAMPLE_CHARS // 4
        starts = sorted(random.randrange(0, n - piece + 1) for _ in range(4))
        sample = "\n".join(text[s:s + piece] for s in starts)
    matches, folds, hits = _count_matches(checker, sample) if sample else (0, 0, 0)
    scale = n / max(len(sample), 1)
    per_char = COST_US_PER_HTML_CHAR if html else COST_US_PER_CHAR
    return n * per_char + scale * (matches * COST_US_PER_MATCH + folds * COST_US_PER_FOLD + hits * COST_US_PER_HIT)


def should_inline(checker: Checker, documents, settings, options=None) -> bool:
    """Whether to check ``documents`` (``(text, html)`` pairs) on the event loop: only
    when they are short (at most ``ERRCHECK_INLINE_MAX_CHARS`` together) AND cheap (at
    most ``ERRCHECK_INLINE_MAX_MS`` by `estimate_us`). A 3,000-character article takes
    well under a millisecond, less than the hop to a worker thread costs; a short text
    packed with wrong forms can take hundreds of milliseconds and goes to the thread
    pool, so that it never stalls the other requests of the worker. Thorough mode
    (``options.mode``) always goes to the thread pool."""
    budget_us = settings.inline_max_ms * 1000
    if settings.inline_max_chars <= 0 or budget_us <= 0 or getattr(options, "mode", None) == "thorough":
        return False  # thorough mode runs the language model: ~6 µs a character
    total_chars, total_us = 0, 0.0
    for text, html in documents:
        value = text if text is not None else (html or "")
        total_chars += len(value)
        if total_chars > settings.inline_max_chars:
            return False
        total_us += estimate_us(checker, value, html=text is None)
        if total_us > budget_us:
            return False
    return True


async def run_cpu(inline: bool, fn, *args):
    """Run the CPU-bound ``fn(*args)`` on the event loop when ``inline`` (see
    `should_inline`), else in the thread pool."""
    if inline:
        return fn(*args)
    return await run_in_threadpool(fn, *args)


def check_document(checker: Checker, text: str | None, html: str | None, options: CheckOptions) -> dict[str, Any]:
    """Check one document (``text`` or ``html``) and return its report payload."""
    began = time.perf_counter()
    extracted = None
    if html is not None:
        extracted = extract_html(html)
        text = extracted.text
    t0 = time.perf_counter()
    report = checker.check(
        text,
        as_of=options.as_of,
        categories=options.categories,
        min_severity=options.min_severity,
        mode=options.mode,
        allow=options.allow,
    )
    t1 = time.perf_counter()
    return report_payload(report, html=extracted, check_ms=(t1 - t0) * 1000, total_ms=(time.perf_counter() - began) * 1000)


def check_batch_documents(checker: Checker, body) -> list[dict[str, Any]]:
    """Check each document of a `BatchRequest` with the batch's options, in order."""
    return [{"id": doc.id, **check_document(checker, doc.text, doc.html, body)} for doc in body.documents]


#: checked once at start-up and after each reload, so jieba's dictionary and the caches
#: are warm before the first real request
WARM_UP = "县医保局将京津冀写成京津翼，截止目前已整改，名族团结，党的二十精神"


def warm_up(checker: Checker) -> None:
    checker.check(WARM_UP)


def build_checker(settings, isolate_cold_build: bool | None = None) -> Checker:
    """A loaded, warmed-up checker for ``settings``; raises `errcheck.RuleError`. A rule
    set missing from the on-disk cache is compiled in a child process (see
    `service.reloading.load_checker`), so the build's peak memory does not stay here."""
    from .reloading import load_checker

    if isolate_cold_build is None:
        isolate_cold_build = getattr(settings, "build_in_child", True)
    checker = load_checker(settings, isolate_cold_build)
    warm_up(checker)
    return checker
