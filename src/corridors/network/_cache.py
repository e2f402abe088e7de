"""A validated, compiled network kept in the user cache dir, keyed by the data's content hash.

Loading the bundled network validates six tables and compiles two CSR graphs (~0.3 s CPU);
commands that only route pay that once per data version. The key is a SHA-256 of every file in
the network folder (names and bytes) plus the corridors, Python, pandas and numpy versions and
the size and time stamp of the network and routing modules, so an edited table, an upgrade or
an edited checkout never reads a stale entry. A corrupt or unreadable entry is
ignored and rebuilt; an unwritable cache dir only costs speed.

Each entry is two files: ``<key>.pickle``, the whole :class:`Network`, and ``<key>.lite.pickle``
with only what a route query reads (compiled graphs, place index, link records, parameters:
numpy and plain Python, no pandas). :func:`load_network_cached` returns a network built from the
lite file whose ``tables`` load the whole one on first access, so every method still works and a
route query never imports pandas.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from corridors._cache import user_cache_dir
from corridors.network.enums import Cargo
from corridors.network.model import Network, bundled_network_path, load_network

if TYPE_CHECKING:
    from corridors.network._protocol import Tables

__all__ = ["load_network_cached", "network_digest"]

log = logging.getLogger(__name__)
_FORMAT = 2
_LITE = (
    "name",
    "_cache",
    "link_records",
    "_name_index",
    "_base_index",
    "_parameters",
    "_node_rows",
)


def network_digest(folder: Path) -> str:
    """SHA-256 (hex) of a network folder's files and the library versions that read them."""
    from importlib.metadata import version

    from corridors import __version__

    libs = "|".join(version(m) for m in ("numpy", "pandas"))
    h = hashlib.sha256()
    h.update(f"{_FORMAT}|{__version__}|{sys.version_info[:2]}|{libs}|".encode())
    # The code that compiles graphs and cost figures: a changed module means a new entry, even
    # without a version bump (a development checkout).
    package = Path(__file__).resolve().parents[1]
    for sub in ("network", "routing"):
        for f in sorted((package / sub).glob("*.py")):
            st = f.stat()
            h.update(f"{sub}/{f.name}|{st.st_size}|{st.st_mtime_ns}|".encode())
    for p in sorted(folder.iterdir()):
        if p.is_file():
            h.update(p.name.encode() + b"\0")
            h.update(p.read_bytes())
            h.update(b"\0")
    return h.hexdigest()


def load_network_cached(
    path: str | Path | None = None, *, prepare: Callable[[Network], None] | None = None
) -> Network:
    """Like :func:`~corridors.network.load_network`, from the cache when the data is unchanged.

    Parameters
    ----------
    path
        Network folder; ``None`` is the bundled network.
    prepare
        Called on a freshly loaded network before it is stored, to compute more of what
        later commands read into ``Network._cache`` (e.g. default per-arc cost figures).

    Returns
    -------
    Network
        Validated, with its place index, resolved links and both cargo graphs built; from the
        cache, its tables (pandas) load on first access.

    Raises
    ------
    NetworkValidationError
        As :func:`~corridors.network.load_network` (a network with problems is never cached).
    """
    folder = bundled_network_path() if path is None else Path(path)
    if not folder.is_dir():
        return load_network(path)  # the loader's own clear error
    entry = user_cache_dir() / "networks" / f"{network_digest(folder)}.pickle"
    lite = entry.with_suffix(".lite.pickle")
    try:
        with lite.open("rb") as fh:
            state = pickle.load(fh)
        if isinstance(state, dict) and state.get("format") == _FORMAT and entry.is_file():
            return _CachedNetwork.from_state(state, entry)
    except FileNotFoundError:
        pass
    except Exception as exc:  # a corrupt or foreign entry: rebuild it
        log.debug("ignoring network cache entry %s: %s", lite, exc)
    net = load_network(path)
    _warm(net)
    if prepare is not None:
        prepare(net)
    _store(net, entry)
    _store(_lite_state(net), lite)
    return net


class _CachedNetwork(Network):
    """A network from the cache's lite file; ``tables`` (pandas) load on first access."""

    @classmethod
    def from_state(cls, state: dict[str, object], full: Path) -> _CachedNetwork:
        net = object.__new__(cls)
        net.__dict__.update({k: state[k] for k in _LITE})
        net.__dict__["_full_path"] = full
        return net

    @property
    def tables(self) -> Tables:
        if "_tables" not in self.__dict__:
            with Path(self.__dict__["_full_path"]).open("rb") as fh:
                whole = pickle.load(fh)
            self.__dict__["_tables"] = whole.tables
        return self.__dict__["_tables"]  # type: ignore[no-any-return]


def _warm(net: Network) -> None:
    """Build everything a command reads, so the pickled copy carries it."""
    _ = net.nodes, net.links, net.link_records, net._name_index, net._base_index, net._node_rows
    _ = net._parameters
    for cargo in Cargo:
        net.graph(cargo)


def _lite_state(net: Network) -> dict[str, object]:
    state = {k: net.__dict__[k] for k in _LITE}
    state["format"] = _FORMAT
    return state


def _store(obj: object, entry: Path) -> None:
    try:
        entry.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=entry.parent, suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as fh:
                pickle.dump(obj, fh, protocol=pickle.HIGHEST_PROTOCOL)
            Path(tmp).replace(entry)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError as exc:
        log.debug("network cache not written (%s): %s", entry, exc)
