"""POST /v1/annotate: an uploaded .docx back with a Word comment on each finding."""

from __future__ import annotations

import datetime as _dt
import importlib.util
from pathlib import PurePath
from typing import Annotated, Literal
from urllib.parse import quote

from fastapi import APIRouter, File, Form, UploadFile
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from errcheck.model import Report

from ..deps import CheckerDep, SettingsDep
from ..errors import ApiError, docx_rejected
from ..schemas import Category, SeverityLabel, error_responses

router = APIRouter(prefix="/v1", tags=["check"])

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def content_disposition(filename: str) -> str:
    """``attachment`` with an ASCII ``filename`` (other characters as ``_``) and the
    exact name as RFC 6266 / RFC 5987 ``filename*``."""
    fallback = "".join(c if 32 <= ord(c) < 127 and c not in '"\\;' else "_" for c in filename)
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


@router.post(
    "/annotate",
    summary="Annotate an uploaded .docx",
    response_class=Response,
    responses={200: {"content": {DOCX_TYPE: {}}, "description": "The annotated .docx"},
               **error_responses(400, 401, 403, 413, 415, 422, 503)},
)
async def annotate(
    file: Annotated[UploadFile, File(description="A .docx file")],
    checker: CheckerDep,
    settings: SettingsDep,
    track_changes: Annotated[bool, Form(description="Also make the safe fixes, as tracked changes (修订)")] = False,
    categories: Annotated[list[Category] | None, Form(description="Report only these categories")] = None,
    min_severity: Annotated[SeverityLabel | None, Form()] = None,
    as_of: Annotated[_dt.date | None, Form(description="Judge dated rules as of this day (YYYY-MM-DD)")] = None,
    mode: Annotated[Literal["fast", "thorough"] | None, Form()] = None,
) -> Response:
    """Check the uploaded `.docx` and return the same document with a Word comment (批注)
    on each finding (code, severity, message, suggestions) and, with
    `track_changes=true`, the safe fixes made as tracked changes by the author
    "errcheck", which the editor accepts or rejects in Word or WPS. Findings in headers
    and footers (where Word allows no comment) are listed in one comment on the first
    paragraph. The response is the file (`<name>.checked.docx`); the headers
    `X-Errcheck-Findings`, `X-Errcheck-Comments`, `X-Errcheck-Tracked-Changes` and
    `X-Errcheck-Verdict` summarise it."""
    name = PurePath(file.filename or "upload.docx").name
    if PurePath(name).suffix.lower() != ".docx":
        raise ApiError(415, "unsupported_media_type", f"{name}: only .docx files can be annotated",
                       [{"field": "body.file", "message": "unsupported file type", "type": "file_type"}])
    if importlib.util.find_spec("lxml") is None:  # pragma: no cover
        raise ApiError(415, "unsupported_media_type", "annotating .docx files needs lxml on the server")
    from errcheck.annotate import annotate_docx
    from errcheck.docx_safety import DocxLimits, DocxRejected
    data = await file.read()
    try:
        result, summary = await run_in_threadpool(
            lambda: annotate_docx(data, checker, track_changes=track_changes, as_of=as_of, categories=categories,
                                  min_severity=min_severity, mode=mode,
                                  limits=DocxLimits(max_chars=settings.max_text_chars)))
    except DocxRejected as exc:
        raise docx_rejected(name, exc) from None
    findings = summary.findings
    verdict = Report(tuple(findings)).verdict
    out_name = f"{PurePath(name).stem}.checked.docx"
    return Response(result, media_type=DOCX_TYPE, headers={
        "Content-Disposition": content_disposition(out_name),
        "X-Errcheck-Findings": str(len(findings)),
        "X-Errcheck-Comments": str(summary.commented),
        "X-Errcheck-Tracked-Changes": str(summary.fixed),
        "X-Errcheck-Verdict": verdict,
        "X-Errcheck-Ruleset": checker.version,
    })
