"""The gate every request passes (pure ASGI, no per-request thread): Host allow-list, write
access (token, read-only mode), body size, and security headers on every response."""

from __future__ import annotations

import hmac
from typing import Any

import anyio
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from corridors.api._problems import error_response, problem_response
from corridors.api._settings import ServerSettings
from corridors.errors import LimitExceededError

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})

# Only this server's own scripts, styles, images and API; nothing may frame the page.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none'; "
    "base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
# Swagger UI and ReDoc start from an inline script in their HTML page.
CSP_DOCS = CSP.replace("script-src 'self'", "script-src 'self' 'unsafe-inline'")
SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
    (b"permissions-policy", b"geolocation=(), camera=(), microphone=()"),
]


def _body_limit_error(limit: int) -> LimitExceededError:
    return LimitExceededError(
        f"The request body is larger than the limit of {limit:,} bytes. Send a smaller "
        "document (scenarios select links by class or country rather than one by one).",
        field="body",
        limit=limit,
        status=413,
    )


class Guard:
    """ASGI middleware applying :class:`ServerSettings` before the app sees a request."""

    def __init__(self, app: ASGIApp, settings: ServerSettings) -> None:
        self.app = app
        self.settings = settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        s = self.settings
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        path = scope.get("path", "")
        send = _with_security_headers(send, docs=path in ("/docs", "/redoc"))
        refusal = self._refusal(scope["method"], headers)
        if refusal is not None:
            await refusal(scope, receive, send)
            return
        refusal = self._length_refusal(headers.get("content-length"))
        if refusal is not None:
            await refusal(scope, receive, send)
            return
        if scope["method"] not in WRITE_METHODS:
            await self.app(scope, receive, send)
            return
        seen = 0
        started = False

        async def counted_receive() -> Message:
            nonlocal seen
            try:
                with anyio.fail_after(s.body_timeout_s):
                    msg = await receive()
            except TimeoutError:
                raise LimitExceededError(
                    f"The request body did not arrive within {s.body_timeout_s:g} s.",
                    field="body",
                    limit=s.body_timeout_s,
                    status=408,
                ) from None
            if msg["type"] == "http.request":
                seen += len(msg.get("body", b""))
                if seen > s.max_body_bytes:
                    raise _body_limit_error(s.max_body_bytes)
            return msg

        async def tracked_send(msg: Message) -> None:
            nonlocal started
            if msg["type"] == "http.response.start":
                started = True
            await send(msg)

        try:
            await self.app(scope, counted_receive, tracked_send)
        except LimitExceededError as exc:  # raised outside the app's handlers
            if not started:
                await error_response(exc)(scope, receive, send)

    def _length_refusal(self, length: str | None) -> Any:
        if length is None:
            return None
        if not length.isdigit():
            return problem_response(
                400, "bad_content_length", "Content-Length is not a number.", field="body"
            )
        if int(length) > self.settings.max_body_bytes:
            return self._too_large()
        return None

    def _too_large(self) -> Any:
        return error_response(_body_limit_error(self.settings.max_body_bytes))

    def _refusal(self, method: str, headers: dict[str, str]) -> Any:
        s = self.settings
        host = headers.get("host", "")
        if not s.host_allowed(host):
            return problem_response(
                400,
                "host_not_allowed",
                f"Host {host!r} is not served here (DNS-rebinding defence). Use one of "
                f"{', '.join(s.allowed_hosts)}, or start the server with --allow-host.",
                field="Host",
            )
        if method not in WRITE_METHODS:
            return None
        if s.read_only:
            return problem_response(
                403,
                "read_only",
                "This server is read-only (started with --read-only): nothing can be saved "
                "or submitted. Use a server started without --read-only.",
            )
        if s.token is not None:
            auth = headers.get("authorization", "")
            scheme, _, given = auth.partition(" ")
            if scheme.lower() != "bearer" or not hmac.compare_digest(
                given.strip().encode(), s.token.encode()
            ):
                return problem_response(
                    401,
                    "unauthorized",
                    "Writes need the server's API token: send 'Authorization: Bearer <token>' "
                    "(the token was printed when the server started, or set with --token / "
                    "CORRIDORS_API_TOKEN).",
                    field="Authorization",
                    headers={"WWW-Authenticate": 'Bearer realm="corridors"'},
                )
        return None


def _with_security_headers(send: Send, *, docs: bool) -> Send:
    csp = (CSP_DOCS if docs else CSP).encode()

    async def wrapped(msg: Message) -> None:
        if msg["type"] == "http.response.start":
            have = {k.lower() for k, _ in msg.get("headers", [])}
            extra = [(k, v) for k, v in SECURITY_HEADERS if k not in have]
            if b"content-security-policy" not in have:
                extra.append((b"content-security-policy", csp))
            msg = {**msg, "headers": [*msg.get("headers", []), *extra]}
        await send(msg)

    return wrapped
