"""``errcheck serve``: run the web service with uvicorn.

Registered through ``errcheck.cli.COMMAND_MODULES``; FastAPI and uvicorn are imported only
when the command runs, so ``errcheck check`` never pays for them.
"""

from __future__ import annotations

import argparse


def add_commands(subparsers) -> None:
    serve = subparsers.add_parser(
        "serve",
        help="run the HTTP service (web page at /, API under /v1, docs at /docs)",
        description="Run the errcheck HTTP service. Settings come from ERRCHECK_* environment "
        "variables (see the README); these flags override host, port and workers.",
    )
    serve.add_argument("--host", default=None, help="bind address (default $ERRCHECK_HOST or 127.0.0.1)")
    serve.add_argument("--port", type=int, default=None, help="port (default $ERRCHECK_PORT or 8000)")
    serve.add_argument("--workers", type=int, default=None, help="worker processes (default $ERRCHECK_WORKERS or 1)")
    serve.add_argument("--log-level", default=None,
                       choices=["critical", "error", "warning", "info", "debug", "trace"])
    serve.set_defaults(handler=_cmd_serve)


def _cmd_serve(args: argparse.Namespace, out, err) -> int:
    try:
        import uvicorn

        from .config import get_settings
    except ImportError as exc:
        print(f"errcheck: the service needs its extra: pip install 'errcheck[service]' ({exc})", file=err)
        return 2
    from pydantic import ValidationError

    try:
        settings = get_settings()
    except ValidationError as exc:
        print(f"errcheck: invalid ERRCHECK_* setting: {exc}", file=err)
        return 2
    host = args.host or settings.host
    port = args.port if args.port is not None else settings.port
    workers = args.workers if args.workers is not None else settings.workers
    if workers < 1 or not 0 <= port <= 65535:
        print("errcheck: --workers must be >= 1 and --port in 0..65535", file=err)
        return 2
    # with several workers uvicorn imports the factory in each process, which reads the
    # same ERRCHECK_* environment. The run directory is how the workers of this server
    # tell each other about a reload (service.reloading); one private directory per
    # server unless ERRCHECK_RUN_DIR names one.
    import os
    import shutil
    import tempfile

    own_run_dir = None
    if settings.run_dir is None:
        own_run_dir = tempfile.mkdtemp(prefix="errcheck-run-")
        os.environ["ERRCHECK_RUN_DIR"] = own_run_dir
    try:
        uvicorn.run(
            "service.main:create_app",
            factory=True,
            host=host,
            port=port,
            workers=workers,
            log_level=args.log_level or settings.log_level,
            proxy_headers=False,
            server_header=False,
            # slow clients: a timeout on receiving request headers (the body's is BodyGuard's),
            # and a cap on connections per worker (503 beyond it)
            http="service.protocol:HeaderTimeoutProtocol",
            limit_concurrency=settings.limit_concurrency or None,
            # a worker compiling or loading a rule set may hold the interpreter for
            # seconds; uvicorn's default (5 s) would kill it as hung mid-reload
            timeout_worker_healthcheck=settings.worker_healthcheck,
        )
    finally:
        if own_run_dir is not None:
            os.environ.pop("ERRCHECK_RUN_DIR", None)
            shutil.rmtree(own_run_dir, ignore_errors=True)
    return 0
