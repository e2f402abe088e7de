"""Persistent storage of saved scenarios, background jobs and their results (SQLAlchemy).

An embedded SQLite file in the user's data directory by default, PostgreSQL when a URL is
given. The schema is migrated with Alembic to the newest revision when a :class:`Store`
opens. Needs the ``api`` extra (and ``postgres`` for PostgreSQL).

>>> from corridors.storage import Store
>>> store = Store("sqlite://")
>>> store.create_scenario("empty", {"name": "empty"})["name"]
'empty'
"""

from __future__ import annotations

from corridors.storage._store import (
    JOB_STATES,
    Store,
    default_database_url,
    normalize_database_url,
)

__all__ = ["JOB_STATES", "Store", "default_database_url", "normalize_database_url"]
