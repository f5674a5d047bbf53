"""POST /v1/check, /v1/check/batch and /v1/extract (uploaded file → text)."""

from __future__ import annotations

import time
from pathlib import PurePath
from typing import Annotated

from fastapi import APIRouter, File, UploadFile
from starlette.responses import Response

from ..checking import (check_batch_documents, check_document, check_length, reject_surrogates, run_cpu,
                        should_inline)
from ..deps import CheckerDep, SettingsDep
from ..errors import ApiError, docx_rejected
from ..responses import FastJSONResponse
from ..schemas import BatchOut, BatchRequest, CheckRequest, ExtractOut, ReportOut, error_responses

router = APIRouter(prefix="/v1", tags=["check"])


@router.post(
    "/check",
    response_model=ReportOut,
    summary="Check one document",
    responses=error_responses(400, 401, 403, 413, 422, 503),
)
async def check(body: CheckRequest, checker: CheckerDep, settings: SettingsDep) -> Response:
    """Check `text` (or the visible text of `html`) and return the report: findings with
    offsets, counts per severity, verdict (`fail` on any serious finding), score,
    rule-set version and timing. An empty text gives an empty passing report."""
    check_length(body.text, body.html, settings.max_text_chars)
    inline = should_inline(checker, [(body.text, body.html)], settings, body)
    payload = await run_cpu(inline, check_document, checker, body.text, body.html, body)
    return FastJSONResponse(payload)


@router.post(
    "/check/batch",
    response_model=BatchOut,
    summary="Check several documents",
    responses=error_responses(400, 401, 403, 413, 422, 503),
)
async def check_batch(body: BatchRequest, checker: CheckerDep, settings: SettingsDep) -> Response:
    """Check up to `ERRCHECK_MAX_BATCH_DOCUMENTS` documents with the same options; the
    results come back in request order, each with its client `id`."""
    began = time.perf_counter()
    limit = settings.max_batch_documents
    if len(body.documents) > limit:
        raise ApiError(
            413,
            "too_many_documents",
            f"{len(body.documents)} documents exceed the limit of {limit} per batch",
            [{"field": "body.documents", "message": f"at most {limit} documents", "type": "too_long"}],
        )
    for i, doc in enumerate(body.documents):
        check_length(doc.text, doc.html, settings.max_text_chars, where=f"body.documents.{i}")
    inline = should_inline(checker, [(doc.text, doc.html) for doc in body.documents], settings, body)
    results = await run_cpu(inline, check_batch_documents, checker, body)
    check_ms = sum(r["timing"]["check_ms"] for r in results)
    total_ms = (time.perf_counter() - began) * 1000
    return FastJSONResponse(
        {
            "ruleset_version": checker.version,
            "count": len(results),
            "results": results,
            "timing": {"check_ms": round(check_ms, 3), "total_ms": round(total_ms, 3)},
        }
    )


_FORMATS = {".txt": "txt", ".text": "txt", ".html": "html", ".htm": "html", ".docx": "docx"}


def _decode_utf8(data: bytes, name: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ApiError(400, "invalid_encoding",
                       f"{name} is not UTF-8 text (invalid byte at offset {exc.start}); save it as UTF-8") from None


def _docx_text(data: bytes, name: str, max_chars: int) -> str:
    """The text of an uploaded .docx, through the zip-bomb guard (`errcheck.docx_safety`):
    413 when it inflates past a limit or its text is longer than ``max_chars``, 400 when
    it is not a readable .docx."""
    try:
        from errcheck.docx_safety import DocxLimits, DocxRejected, docx_lines
    except ImportError:  # pragma: no cover
        raise ApiError(415, "unsupported_media_type", "reading .docx files needs python-docx on the server") from None
    try:
        import docx  # noqa: F401  (python-docx)
    except ImportError:
        raise ApiError(415, "unsupported_media_type", "reading .docx files needs python-docx on the server") from None
    try:
        return "\n".join(docx_lines(data, DocxLimits(max_chars=max_chars)))
    except DocxRejected as exc:
        raise docx_rejected(name, exc) from None


@router.post(
    "/extract",
    response_model=ExtractOut,
    summary="Extract the text of an uploaded file",
    responses=error_responses(400, 401, 403, 413, 415, 422),
)
def extract(file: Annotated[UploadFile, File(description="A .txt, .html/.htm or .docx file")],
            settings: SettingsDep) -> Response:
    """Turn an uploaded `.txt` (UTF-8), `.html` or `.docx` file into plain text, for the
    web page to put in its editor before checking."""
    name = PurePath(file.filename or "upload").name
    kind = _FORMATS.get(PurePath(name).suffix.lower())
    if kind is None:
        raise ApiError(415, "unsupported_media_type", f"{name}: only .txt, .html and .docx files can be read",
                       [{"field": "body.file", "message": "unsupported file type", "type": "file_type"}])
    data = file.file.read()
    if kind == "docx":
        text = _docx_text(data, name, settings.max_text_chars)
    else:
        text = _decode_utf8(data, name)
        if kind == "html":
            from errcheck.htmltext import extract as extract_html

            text = extract_html(text).text
    if len(text) > settings.max_text_chars:
        raise ApiError(413, "text_too_long",
                       f"{name}: {len(text)} characters exceed the limit of {settings.max_text_chars}")
    reject_surrogates(text, "body.file")
    return FastJSONResponse({"filename": name, "format": kind, "text": text})
