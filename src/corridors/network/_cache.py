"""A validated, compiled network kept in the user cache dir, keyed by the data's content hash.

Loading the bundled network validates six tables and compiles two CSR graphs (~0.3 s CPU);
commands that only route pay that once per data version. The key is a SHA-256 of every file in
the network folder (names and bytes) plus the corridors, Python, pandas and numpy versions, so
an edited table or an upgrade never reads a stale entry. A corrupt or unreadable entry is
ignored and rebuilt; an unwritable cache dir only costs speed.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import sys
import tempfile
from pathlib import Path

from corridors._cache import user_cache_dir
from corridors.network.enums import Cargo
from corridors.network.model import Network, bundled_network_path, load_network

__all__ = ["load_network_cached", "network_digest"]

log = logging.getLogger(__name__)
_FORMAT = 1


def network_digest(folder: Path) -> str:
    """SHA-256 (hex) of a network folder's files and the library versions that read them."""
    import numpy as np
    import pandas as pd

    from corridors import __version__

    h = hashlib.sha256()
    h.update(
        f"{_FORMAT}|{__version__}|{sys.version_info[:2]}|{pd.__version__}|{np.__version__}|".encode()
    )
    for p in sorted(folder.iterdir()):
        if p.is_file():
            h.update(p.name.encode() + b"\0")
            h.update(p.read_bytes())
            h.update(b"\0")
    return h.hexdigest()


def load_network_cached(path: str | Path | None = None) -> Network:
    """Like :func:`~corridors.network.load_network`, from the cache when the data is unchanged.

    Parameters
    ----------
    path
        Network folder; ``None`` is the bundled network.

    Returns
    -------
    Network
        Validated, with its place index, resolved links and both cargo graphs built.

    Raises
    ------
    NetworkValidationError
        As :func:`~corridors.network.load_network` (a network with problems is never cached).
    """
    folder = bundled_network_path() if path is None else Path(path)
    if not folder.is_dir():
        return load_network(path)  # the loader's own clear error
    entry = user_cache_dir() / "networks" / f"{network_digest(folder)}.pickle"
    try:
        with entry.open("rb") as fh:
            net = pickle.load(fh)
        if isinstance(net, Network):
            return net
    except FileNotFoundError:
        pass
    except Exception as exc:  # a corrupt or foreign entry: rebuild it
        log.debug("ignoring network cache entry %s: %s", entry, exc)
    net = load_network(path)
    _warm(net)
    _store(net, entry)
    return net


def _warm(net: Network) -> None:
    """Build everything a command reads, so the pickled copy carries it."""
    _ = net.nodes, net.links, net.link_records, net._name_index, net._base_index
    for cargo in Cargo:
        net.graph(cargo)


def _store(net: Network, entry: Path) -> None:
    try:
        entry.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=entry.parent, suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as fh:
                pickle.dump(net, fh, protocol=pickle.HIGHEST_PROTOCOL)
            Path(tmp).replace(entry)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError as exc:
        log.debug("network cache not written (%s): %s", entry, exc)
