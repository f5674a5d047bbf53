"""The application factory: ``create_app(settings=None)``.

    uvicorn --factory service.main:create_app     # or: errcheck serve
"""

from __future__ import annotations

import logging
import threading
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import Depends, FastAPI
from fastapi.middleware.cors import CORSMiddleware
from starlette.concurrency import run_in_threadpool
from starlette.responses import FileResponse, HTMLResponse
from starlette.staticfiles import StaticFiles

from errcheck import __version__

from . import errors
from .checking import build_checker
from .config import Settings, get_settings
from .deps import require_api_key
from .middleware import BodyGuard
from .reloading import ReloadSignal, ReloadSync, release_memory
from .responses import FastJSONResponse
from .routers import admin, annotate, check, health, rules

log = logging.getLogger("errcheck.service")
STATIC = Path(__file__).resolve().parent / "static"

DESCRIPTION = """\
Finds typos (错别字) and serious expression errors (严重表述错误) in Chinese text before it
is published. Offsets are half-open, in Unicode code points. Every error response has
the shape `{"error": {"code": "...", "message": "...", "details": [...]}}`.
"""


@asynccontextmanager
async def lifespan(app: FastAPI):
    settings: Settings = app.state.settings
    app.state.ready = False
    # read before loading: a reload signalled while this worker starts is applied after
    app.state.reload_signal = ReloadSignal(settings.run_dir)
    checker = await run_in_threadpool(build_checker, settings)  # RuleError here stops start-up
    app.state.checker = checker
    app.state.ready = True
    release_memory(settings)
    log.info("errcheck service ready: rule set %s, %d rules (%s)", checker.version, len(checker.rules),
             checker.load_info.get("source"))
    del checker  # this generator lives as long as the app: it must not keep the first rule set alive
    yield
    app.state.ready = False


DOCS_CSP = ("default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
            "img-src 'self' data: blob:; font-src 'self' data:; worker-src 'self' blob:; connect-src 'self'; "
            "object-src 'none'; base-uri 'none'; frame-ancestors 'self'")


def _install_docs(app: FastAPI) -> None:
    """/docs (Swagger UI) and /redoc (ReDoc) with their scripts, styles and icon served from
    static/vendor (see its README.md for versions and origin): they work offline."""
    from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html

    vendor = "/static/vendor"
    title = f"{app.title} · API"

    def local_only(page: HTMLResponse) -> HTMLResponse:
        # the browser may fetch nothing from elsewhere (ReDoc's sidebar would fetch its logo
        # from the publisher's CDN); FastAPI's page starts the UI with an inline script and
        # the bundles inject inline styles
        page.headers["Content-Security-Policy"] = DOCS_CSP
        return page

    @app.get("/docs", include_in_schema=False)
    def swagger_ui() -> HTMLResponse:
        return local_only(get_swagger_ui_html(
            openapi_url=app.openapi_url,
            title=title,
            swagger_js_url=f"{vendor}/swagger-ui/swagger-ui-bundle.js",
            swagger_css_url=f"{vendor}/swagger-ui/swagger-ui.css",
            swagger_favicon_url=f"{vendor}/swagger-ui/favicon-32x32.png",
            # no badge from the public validator service
            swagger_ui_parameters={"validatorUrl": None},
        ))

    @app.get("/redoc", include_in_schema=False)
    def redoc() -> HTMLResponse:
        return local_only(get_redoc_html(
            openapi_url=app.openapi_url,
            title=title,
            redoc_js_url=f"{vendor}/redoc/redoc.standalone.js",
            redoc_favicon_url=f"{vendor}/swagger-ui/favicon-32x32.png",
            with_google_fonts=False,
        ))


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    app = FastAPI(
        title="errcheck",
        version=__version__,
        description=DESCRIPTION,
        lifespan=lifespan,
        default_response_class=FastJSONResponse,
        # served below from the vendored assets in static/vendor, not from a CDN
        docs_url=None,
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.checker = None
    app.state.ready = False
    app.state.reload_lock = threading.Lock()
    app.state.reload_signal = ReloadSignal(None)

    errors.install(app)
    # the API key guard (and its OpenAPI security scheme) exists only when a key is set
    guarded = [Depends(require_api_key)] if settings.api_key is not None else []
    app.include_router(check.router, dependencies=guarded)
    app.include_router(annotate.router, dependencies=guarded)
    app.include_router(rules.router)
    app.include_router(health.router)
    app.include_router(admin.router, include_in_schema=settings.admin_token is not None)

    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.get("/", include_in_schema=False)
    def index() -> FileResponse:
        return FileResponse(STATIC / "index.html", media_type="text/html; charset=utf-8")

    _install_docs(app)

    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST"],
            allow_headers=["Content-Type", "Authorization", "X-API-Key"],
            max_age=600,
        )
    # apply a reload that another worker process signalled, before the request is answered
    app.add_middleware(ReloadSync, state=app.state, settings=settings)
    # outermost: refuse oversized and non-UTF-8 bodies before anything parses them
    app.add_middleware(BodyGuard, max_body_bytes=settings.max_body_bytes, body_timeout=settings.body_timeout)
    return app
