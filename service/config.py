"""Service settings: environment variables with the ``ERRCHECK_`` prefix (or a ``.env``
file in the working directory). Every setting is listed in the README; the CLI flags
of ``errcheck serve`` override host, port and workers.

=============================  ==========================================================
ERRCHECK_HOST                  bind address (default 127.0.0.1)
ERRCHECK_PORT                  port (default 8000)
ERRCHECK_WORKERS               worker processes (default 1)
ERRCHECK_DICTIONARIES          extra dictionary dirs/files, separated by ``:`` (os.pathsep)
                               or given as a JSON list; they add to the shipped ones
ERRCHECK_BUILTIN_DICTIONARIES  use the shipped dictionaries too (default true)
ERRCHECK_BACKEND               matcher backend: daachorse (default) or pyahocorasick
ERRCHECK_CACHE_DIR             where compiled rule sets are cached (core setting, read by
                               the library itself; default ~/.cache/errcheck)
ERRCHECK_MAX_BODY_BYTES        largest request body accepted, bytes (default 2 MiB) → 413
ERRCHECK_MAX_TEXT_CHARS        longest text/html of one document, characters (default
                               200000) → 413
ERRCHECK_MAX_BATCH_DOCUMENTS   most documents in one batch request (default 100) → 413
ERRCHECK_INLINE_MAX_CHARS      requests up to this many characters are checked on the
                               event loop if they are also cheap (next), others in the
                               thread pool (default 20000; 0 = always the thread pool)
ERRCHECK_INLINE_MAX_MS         ... and if their estimated cost is at most this many
                               milliseconds (default 2): an automaton scan of a 512-
                               character random sample counts the wrong forms the filter
                               would examine (see service.checking.estimate_us), so a short
                               text packed with them goes to the thread pool
ERRCHECK_HEADER_TIMEOUT        seconds a client has to send a request's headers (default
                               10; 0 = no limit) → 408 and the connection is closed
ERRCHECK_BODY_TIMEOUT          seconds a client has, after the headers, to send the whole
                               request body (default 30; 0 = no limit) → 408
ERRCHECK_LIMIT_CONCURRENCY     most connections (and requests) per worker; beyond it new
                               requests get 503 (default 1000: under the usual limit of
                               1024 open files; 0 = no limit)
ERRCHECK_WORKER_HEALTHCHECK    seconds a worker process may take to answer the supervisor's
                               health check before it is killed and restarted (default
                               60; uvicorn's own default, 5, kills a worker that holds the
                               interpreter while it compiles or loads a rule set)
ERRCHECK_RUN_DIR               a directory private to one server, shared by its worker
                               processes: a reload in one worker is signalled there to
                               the others (``errcheck serve`` creates one and removes it
                               on exit; set it yourself when running ``uvicorn --workers``)
ERRCHECK_BUILD_IN_CHILD        compile a rule set missing from the cache in a child
                               process, so its peak memory (~1 GB) does not stay in the
                               worker (default true)
ERRCHECK_API_KEY               when set, /v1/check* and /v1/extract need header
                               ``X-API-Key: <key>`` (401 missing, 403 wrong)
ERRCHECK_ADMIN_TOKEN           when set, enables POST /v1/admin/reload with
                               ``Authorization: Bearer <token>``; unset → 404
ERRCHECK_CORS_ORIGINS          allowed CORS origins, comma separated or a JSON list
                               (default none: no CORS headers)
ERRCHECK_LOG_LEVEL             uvicorn log level (default info)
=============================  ==========================================================
"""

from __future__ import annotations

import json
import os
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict


def _split(value, sep: str) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        value = value.strip()
        if not value:
            return []
        if value.startswith("["):
            loaded = json.loads(value)
            if not isinstance(loaded, list):
                raise ValueError("expected a JSON list")
            return [str(v) for v in loaded]
        return [part.strip() for part in value.split(sep) if part.strip()]
    return list(value)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ERRCHECK_", env_file=".env", extra="ignore")

    host: str = "127.0.0.1"
    port: int = Field(8000, ge=0, le=65535)
    workers: int = Field(1, ge=1)
    log_level: Literal["critical", "error", "warning", "info", "debug", "trace"] = "info"

    dictionaries: Annotated[list[Path], NoDecode] = Field(default_factory=list)
    builtin_dictionaries: bool = True
    backend: Literal["daachorse", "pyahocorasick"] = "daachorse"
    cache_dir: Path | None = None
    run_dir: Path | None = None
    build_in_child: bool = True

    max_body_bytes: int = Field(2 * 1024 * 1024, ge=1024)
    max_text_chars: int = Field(200_000, ge=1)
    max_batch_documents: int = Field(100, ge=1)
    inline_max_chars: int = Field(20_000, ge=0)
    inline_max_ms: float = Field(2.0, ge=0)
    header_timeout: float = Field(10.0, ge=0)
    body_timeout: float = Field(30.0, ge=0)
    limit_concurrency: int = Field(1000, ge=0)
    worker_healthcheck: int = Field(60, ge=1)

    api_key: SecretStr | None = None
    admin_token: SecretStr | None = None
    cors_origins: Annotated[list[str], NoDecode] = Field(default_factory=list)

    @field_validator("dictionaries", mode="before")
    @classmethod
    def _split_paths(cls, value):
        return _split(value, os.pathsep)

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _split_origins(cls, value):
        return _split(value, ",")

    @field_validator("api_key", "admin_token", mode="before")
    @classmethod
    def _blank_is_unset(cls, value):
        if isinstance(value, str) and not value.strip():
            return None
        return value


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The settings from the environment, read once per process."""
    return Settings()
