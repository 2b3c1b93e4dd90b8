"""The ``eventwire serve`` application: the REST API under ``/api``, the dashboard pages, the OpenAPI
schema (``/openapi.json``, browsed at ``/docs``), every asset served from the package (no CDN).

Errors are JSON ``{"status": ..., "error": ..., "message": ...}`` with the right status and never a
traceback: 422 for a malformed filter, cursor or page size (the message says what to change), 401 for a
write without a valid bearer token, 403 for a write the server was not started to allow, 404, 503 when
a query outlived the statement timeout or every connection stayed busy, 500 with a generic message (and
the traceback in the server's log only) for anything else.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..errors import (
    ConfigError,
    EventwireError,
    InputError,
    ModelNotFoundError,
    QueryTimeoutError,
    StoreError,
    StoreLockedError,
)
from .pool import BusyError, StorePool
from .settings import ServeSettings

log = logging.getLogger("eventwire.serve")

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
    "form-action 'self'"
)
"""Pages load nothing from anywhere but this server (Leaflet positions tiles with inline styles)."""


@dataclass
class AppState:
    """What the routes share: settings, the connection pool, the coder (built on first use)."""

    settings: ServeSettings
    pool: StorePool
    coder_lock: threading.Lock = field(default_factory=threading.Lock)
    coder: Any = None

    def get_coder(self) -> Any:
        """The coder, loaded on the first ``POST /api/code`` (loading spaCy takes seconds)."""
        with self.coder_lock:
            if self.coder is None:
                from ..pipeline import Coder

                self.coder = Coder(self.settings.coder)
            return self.coder


class ApiError(EventwireError):
    """An HTTP error with a status, a short machine-readable name and a message."""

    def __init__(self, status: int, error: str, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.error = error
        self.headers = headers


def error_response(
    status: int, error: str, message: str, headers: dict[str, str] | None = None, **extra: Any
) -> JSONResponse:
    """The one shape every error has."""
    return JSONResponse(
        {"status": status, "error": error, "message": message, **extra}, status_code=status, headers=headers
    )


def _where(loc: Any) -> str:
    parts = [str(p) for p in loc if p not in ("query", "body", "path")]
    return ".".join(parts) or "request"


def _install_errors(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        problems = [f"{_where(e.get('loc', ()))}: {e.get('msg', 'invalid')}" for e in exc.errors()]
        return error_response(422, "invalid_request", "; ".join(problems), problems=problems)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        names = {404: "not_found", 405: "method_not_allowed", 413: "too_large", 401: "unauthorized"}
        message = exc.detail if isinstance(exc.detail, str) else "request failed"
        if exc.status_code == 404 and message == "Not Found":
            message = f"nothing at {request.url.path}: see /docs for the API"
        headers = dict(exc.headers) if exc.headers else None
        return error_response(exc.status_code, names.get(exc.status_code, "error"), message, headers)

    @app.exception_handler(ApiError)
    async def api_error(request: Request, exc: ApiError) -> JSONResponse:
        return error_response(exc.status, exc.error, str(exc), exc.headers)

    @app.exception_handler(EventwireError)
    async def library_error(request: Request, exc: EventwireError) -> JSONResponse:
        if isinstance(exc, InputError):
            return error_response(422, "invalid_request", str(exc))
        if isinstance(exc, QueryTimeoutError):
            return error_response(503, "timeout", str(exc), {"Retry-After": "5"})
        if isinstance(exc, (BusyError, StoreLockedError)):
            return error_response(503, "busy", str(exc), {"Retry-After": "5"})
        if isinstance(exc, ModelNotFoundError):
            return error_response(503, "no_model", str(exc))
        if isinstance(exc, (StoreError, ConfigError)):
            log.error("%s %s: %s", request.method, request.url.path, exc)
            return error_response(500, "store_error", str(exc))
        return error_response(400, "error", str(exc))

    @app.exception_handler(Exception)
    async def internal(request: Request, exc: Exception) -> JSONResponse:
        log.exception("%s %s failed", request.method, request.url.path)
        return error_response(500, "internal_error", "internal error; the server's log has the details")


class SecurityHeaders:
    """Adds the content security policy and friends to every response (pure ASGI: streams stay streams)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers += [
                    (b"content-security-policy", CSP.encode()),
                    (b"x-content-type-options", b"nosniff"),
                    (b"referrer-policy", b"no-referrer"),
                    (b"x-frame-options", b"DENY"),
                ]
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, with_headers)


def create_app(settings: ServeSettings, *, pool: StorePool | None = None) -> FastAPI:
    """The application over ``settings.db`` (opened now, so a bad database fails before serving)."""
    from .api import router
    from .pages import install_pages

    settings.check()
    pool = pool or StorePool(
        settings.db,
        size=settings.readers,
        timeout=settings.timeout,
        read_only=not settings.allow_writes,
        wait=settings.wait,
        write_timeout=settings.export_timeout,
    )
    state = AppState(settings=settings, pool=pool)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        try:
            yield
        finally:
            pool.close()

    from .. import __version__

    app = FastAPI(
        title="eventwire",
        version=__version__,
        summary="Political events coded from news (CAMEO and PLOVER), with the evidence for every field.",
        description=(
            "Read-only by default. Filters are those of `eventwire query`; pages use cursors (`next`); "
            "errors are JSON with `status`, `error` and `message`. Writes (`POST /api/code` with "
            "`store`, `POST /api/ingest`) need a server started with `--allow-writes` and "
            "`Authorization: Bearer <token>`."
        ),
        docs_url=None,  # served by pages.py from vendored assets: FastAPI's own loads them from a CDN
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.ew = state
    _install_errors(app)
    app.include_router(router, prefix="/api")
    install_pages(app)
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=list(settings.cors_origins),
            allow_methods=["GET", "POST"],
            allow_headers=["Authorization", "Content-Type"],
        )
    app.add_middleware(SecurityHeaders)
    return app
