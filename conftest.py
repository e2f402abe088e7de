"""Repository-wide pytest set-up for the doctests over ``src/corridors``.

``pytest --doctest-modules src/corridors`` imports every module of the package. One cannot be
imported outside its tool and is left out here, with the reason:

- ``storage/alembic/env.py`` is Alembic's migration entry point: it reads
  ``alembic.context.config``, which exists only while Alembic runs a migration
  (tests/api/test_storage.py runs it).

Doctests run with the repository root as the working directory, so examples may name the
repository's test data by relative path (``tests/data/...``).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from _pytest.doctest import DoctestItem

ROOT = Path(__file__).resolve().parent

collect_ignore = ["src/corridors/storage/alembic/env.py"]


@pytest.fixture(autouse=True)
def _doctest_cwd(request: pytest.FixtureRequest) -> Iterator[None]:
    """Run each doctest from the repository root (its examples use relative data paths)."""
    if isinstance(request.node, DoctestItem):
        monkeypatch: pytest.MonkeyPatch = request.getfixturevalue("monkeypatch")
        monkeypatch.chdir(ROOT)
    yield
