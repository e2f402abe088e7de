"""Errors as RFC 9457 problem details (``application/problem+json``), the same for every error.

Every error body has ``type``, ``title``, ``status``, ``code`` (stable, snake_case),
``message`` (what/why/fix), ``field`` (the offending input, or null), ``limit`` (the limit's
value when a limit was exceeded, or null) and ``error_id`` (for 5xx: the id of the log entry
that has the details; no stack trace or server path is ever sent). ``error`` (the exception
class) and ``detail`` (= ``message``) are kept for older clients.
"""

from __future__ import annotations

import json
import logging
import re
import uuid
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from corridors.errors import CorridorsError, LimitExceededError, ServiceUnavailableError

log = logging.getLogger("corridors.api")

PROBLEM_JSON = "application/problem+json"
TITLES = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    408: "Request Timeout",
    409: "Conflict",
    413: "Content Too Large",
    422: "Unprocessable Content",
    429: "Too Many Requests",
    500: "Internal Server Error",
    501: "Not Implemented",
    503: "Service Unavailable",
}
DOCUMENTED = (400, 401, 403, 404, 405, 408, 409, 413, 422, 429, 500, 501, 503)


class Problem(BaseModel):
    """An error (RFC 9457 problem details)."""

    type: str = Field(description="URI naming the problem type ('about:blank' or a tag URI).")
    title: str
    status: int
    code: str = Field(description="Stable machine-readable code, e.g. 'limit_exceeded'.")
    message: str = Field(description="What is wrong, why, and how to fix it.")
    detail: str = Field(description="Same as message (RFC 9457 name).")
    error: str = Field(description="Error class, e.g. 'UnknownPlaceError'.")
    field: str | None = Field(None, description="The offending input, when one is to blame.")
    limit: float | int | None = Field(None, description="The limit's value, when exceeded.")
    error_id: str | None = Field(None, description="Log entry id of a server error.")
    problems: list[str] | None = Field(None, description="Each invalid input (422).")


def _code(name: str) -> str:
    base = name.removesuffix("Error") or name
    return re.sub(r"(?<!^)(?=[A-Z])", "_", base).lower()


def problem_body(
    status: int,
    code: str,
    message: str,
    *,
    error: str | None = None,
    field: str | None = None,
    limit: float | int | None = None,
    error_id: str | None = None,
    problems: list[str] | None = None,
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "type": f"tag:corridors,2026:problem/{code}",
        "title": TITLES.get(status, "Error"),
        "status": status,
        "code": code,
        "message": message,
        "detail": message,
        "error": error or "".join(p.title() for p in code.split("_")) + "Error",
        "field": field,
        "limit": limit,
        "error_id": error_id,
    }
    if problems is not None:
        body["problems"] = problems
    return body


def problem_response(
    status: int, code: str, message: str, *, headers: dict[str, str] | None = None, **kw: Any
) -> Response:
    body = problem_body(status, code, message, **kw)
    return Response(
        json.dumps(body, allow_nan=False).encode(),
        status_code=status,
        media_type=PROBLEM_JSON,
        headers=headers,
    )


def error_response(exc: CorridorsError) -> Response:
    """The problem response of a library error (status from its ``http_status``)."""
    status = int(exc.http_status)
    headers = None
    kw: dict[str, Any] = {}
    if isinstance(exc, LimitExceededError):
        code = {408: "body_timeout", 413: "body_too_large", 429: "too_many_requests"}.get(
            status, "limit_exceeded"
        )
        kw = {"field": exc.field, "limit": exc.limit}
        if status == 429:
            headers = {"Retry-After": str(getattr(exc, "retry_after_s", 2))}
    elif isinstance(exc, ServiceUnavailableError):
        code = "service_unavailable"
        headers = {"Retry-After": str(exc.retry_after_s)}
    else:
        code = _code(type(exc).__name__)
        kw = {"field": getattr(exc, "field", None)}
    return problem_response(status, code, str(exc), headers=headers, error=type(exc).__name__, **kw)


def internal_error(exc: BaseException, where: str) -> Response:
    """Log ``exc`` with a new error id; the client gets the id, never the trace."""
    error_id = uuid.uuid4().hex[:12]
    log.error("error %s in %s", error_id, where, exc_info=exc)
    return problem_response(
        500,
        "internal_error",
        f"Internal error {error_id}; the server log has the details. Please report it "
        "with this id.",
        error="InternalError",
        error_id=error_id,
    )


def _validation(exc: RequestValidationError) -> Response:
    problems, fields = [], []
    limit: float | int | None = None
    for e in exc.errors():
        loc = ".".join(str(p) for p in e.get("loc", ()) if p not in ("query", "body", "path"))
        problems.append(f"{loc or 'request'}: {e.get('msg', 'invalid')}")
        fields.append(loc or "request")
        ctx = e.get("ctx") or {}
        for key in ("le", "lt", "ge", "gt", "max_length", "min_length"):
            if limit is None and isinstance(ctx.get(key), int | float):
                limit = ctx[key]
    detail = "Invalid request: " + "; ".join(problems) + "."
    return problem_response(
        422,
        "invalid_request",
        detail,
        error="ValidationError",
        field=fields[0] if fields else None,
        limit=limit,
        problems=problems,
    )


def add_error_handlers(app: FastAPI) -> None:
    from sqlalchemy.exc import DBAPIError, OperationalError

    @app.exception_handler(CorridorsError)
    async def corridors_error(_request: Request, exc: CorridorsError) -> Response:
        return error_response(exc)

    @app.exception_handler(RequestValidationError)
    async def validation_error(_request: Request, exc: RequestValidationError) -> Response:
        return _validation(exc)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_request: Request, exc: StarletteHTTPException) -> Response:
        if isinstance(exc.__cause__, CorridorsError):  # e.g. body limit hit while parsing
            return error_response(exc.__cause__)
        code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
        headers = dict(exc.headers or {})
        if exc.status_code == 405:  # every method of the path, not only the first route's
            headers["Allow"] = ", ".join(_allowed_methods(_request))
        return problem_response(
            exc.status_code, code, str(exc.detail), headers=headers, error="HTTPError"
        )

    @app.exception_handler(OperationalError)
    @app.exception_handler(DBAPIError)
    async def database_error(request: Request, exc: Exception) -> Response:
        return database_unavailable(exc, request.url.path)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> Response:
        return internal_error(exc, f"{request.method} {request.url.path}")


def _allowed_methods(request: Request) -> list[str]:
    from starlette.routing import Match

    methods: set[str] = set()
    for route in request.app.router.routes:
        match, _ = route.matches(request.scope)
        if match != Match.NONE:
            methods |= set(getattr(route, "methods", None) or ())
    return sorted(methods)


def database_unavailable(exc: BaseException, where: str) -> Response:
    """503 with Retry-After for a database that is down, unreachable or read-only."""
    text = str(getattr(exc, "orig", exc)).lower()
    read_only = "readonly" in text or "read-only" in text or "read only" in text
    log.warning("database unavailable in %s: %s", where, str(exc).splitlines()[0][:300])
    why = (
        "The database is read-only, so nothing can be saved."
        if read_only
        else "The database cannot be reached right now."
    )
    return problem_response(
        503,
        "database_read_only" if read_only else "database_unavailable",
        f"{why} Try again later; reads of saved data work again when it is back.",
        headers={"Retry-After": "5"},
        error="ServiceUnavailableError",
    )


def patch_openapi(app: FastAPI) -> None:
    """Document the problem+json errors (and Retry-After) on every operation."""
    original = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        schema = original()
        comps = schema.setdefault("components", {}).setdefault("schemas", {})
        comps["Problem"] = Problem.model_json_schema(ref_template="#/components/schemas/{model}")
        comps.pop("HTTPValidationError", None)
        comps.pop("ValidationError", None)
        ref = {"$ref": "#/components/schemas/Problem"}
        retry = {
            "Retry-After": {
                "description": "Seconds to wait before retrying.",
                "schema": {"type": "string"},
            }
        }
        for path_item in schema.get("paths", {}).values():
            for op in path_item.values():
                if not isinstance(op, dict) or "responses" not in op:
                    continue
                for status in DOCUMENTED:
                    resp: dict[str, Any] = {
                        "description": TITLES[status],
                        "content": {PROBLEM_JSON: {"schema": ref}},
                    }
                    if status in (429, 503):
                        resp["headers"] = retry
                    op["responses"][str(status)] = resp
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]
