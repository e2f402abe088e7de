"""REST API adapter (FastAPI): routing, network, scenarios, jobs and the web map.

Build the app with :func:`create_app` and serve it with uvicorn, or run ``corridors serve``.
OpenAPI is at ``/docs`` and ``/openapi.json``. Needs the ``api`` extra.
"""

from __future__ import annotations

from corridors.api._app import create_app

__all__ = ["create_app"]
