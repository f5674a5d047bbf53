"""The glue between a request and `errcheck.Checker`: length limits, HTML extraction,
the check itself, and the conversion of the report to JSON. No detection logic here."""

from __future__ import annotations

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
    bodies are screened by `service.middleware.BodyGuard` already; this guards every
    other way in (and the library call) at the boundary."""
    m = _SURROGATE.search(value)
    if m is not None:
        message = (f"{field.rsplit('.', 1)[-1]} holds a lone surrogate U+{ord(m.group()):04X} at offset "
                   f"{m.start()}, which is not a Unicode character")
        raise ApiError(422, "invalid_text", message, [{"field": field, "message": message, "type": "lone_surrogate"}])


def check_length(text: str | None, html: str | None, limit: int, where: str = "body") -> int:
    """The document's length in characters; 413 (`ApiError`) above ``limit``, 422 when
    it holds a lone surrogate."""
    value, name = (text, "text") if text is not None else (html, "html")
    size = len(value or "")
    if size > limit:
        raise _too_long(f"{where}.{name}", size, limit)
    reject_surrogates(value or "", f"{where}.{name}")
    return size


async def run_cpu(size: int, settings, fn, *args):
    """Run the CPU-bound ``fn(*args)``: inline on the event loop when the input is small
    (``size <= settings.inline_max_chars``; a 3,000-character article takes well under a
    millisecond, less than the hop to a worker thread costs), in the thread pool
    otherwise, so that a long document never stalls the other requests of the worker."""
    if size <= settings.inline_max_chars:
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
