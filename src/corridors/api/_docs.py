"""Offline API documentation: Swagger UI at ``/docs`` and ReDoc at ``/redoc``.

Both are served from assets vendored in the package (``web/static/vendor/swagger-ui`` and
``web/static/vendor/redoc``, see the README there), with no web fonts and no online
validator, so the pages work with no internet connection.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.docs import (
    get_redoc_html,
    get_swagger_ui_html,
    get_swagger_ui_oauth2_redirect_html,
)
from fastapi.responses import HTMLResponse

SWAGGER = "/static/vendor/swagger-ui"
REDOC = "/static/vendor/redoc"


def add_offline_docs(app: FastAPI) -> None:
    """Serve ``/docs`` and ``/redoc`` from the package's own assets.

    The app must be built with ``docs_url=None, redoc_url=None`` (FastAPI's defaults load
    the assets and fonts from a CDN).
    """
    openapi_url = app.openapi_url or "/openapi.json"
    title = f"{app.title} – API"

    common: dict[str, Any] = {"openapi_url": openapi_url, "title": title}
    pages = {
        "/docs": get_swagger_ui_html(
            **common,
            swagger_js_url=f"{SWAGGER}/swagger-ui-bundle.js",
            swagger_css_url=f"{SWAGGER}/swagger-ui.css",
            swagger_favicon_url=f"{SWAGGER}/favicon-32x32.png",
            oauth2_redirect_url="/docs/oauth2-redirect",
            # no badge fetched from validator.swagger.io
            swagger_ui_parameters={"validatorUrl": None},
        ),
        "/docs/oauth2-redirect": get_swagger_ui_oauth2_redirect_html(),
        "/redoc": get_redoc_html(
            **common,
            redoc_js_url=f"{REDOC}/redoc.standalone.js",
            redoc_favicon_url=f"{SWAGGER}/favicon-32x32.png",
            with_google_fonts=False,
        ),
    }
    for path, page in pages.items():  # the pages never change: rendered once
        _serve_page(app, path, bytes(page.body))


def _serve_page(app: FastAPI, path: str, body: bytes) -> None:
    @app.get(path, include_in_schema=False)
    async def page() -> HTMLResponse:
        return HTMLResponse(body)
